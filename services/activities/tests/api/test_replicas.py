"""Activities' copies of membership's data: kept from its events within seconds, unchanged by
redelivered or replayed events, and rebuilt from the topics into the same rows."""

import asyncio
import os
import sys
from typing import Any

import pytest
from activities.db.tables import (
    replica_communities,
    replica_memberships,
    replica_people,
    replica_schools,
)
from activities.replicas import REPLICAS
from kombel_events.topics import MEMBERSHIP_COMMUNITIES
from kombel_runtime.auth import Role
from kombel_runtime.replicas import rebuild, replay
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkota
from membership.testing import community, created, person, school
from sqlalchemy import Table, select

pytestmark = pytest.mark.infra


async def rows(platform: RunningPlatform, table: Table, *where: Any) -> list[dict[str, Any]]:
    async with platform.runtime("activities").sessions() as session:
        query = select(table).where(*where).order_by(*table.primary_key.columns)
        return [dict(r) for r in (await session.execute(query)).mappings()]


async def test_membership_changes_reach_the_replicas_and_a_rebuild_gives_the_same_rows(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    admin = platform.auth(Role.NATIONAL_ADMIN)
    npsn = await school(platform, kabkota, name="SMP Negeri 4")
    teacher = await person(platform, npsn, full_name="Rina Sitorus", email="rina@contoh.sch.id")
    group = await community(platform, kabkota)
    members = f"/membership/communities/{group['id']}/members"
    await created(platform, members, {"person_id": teacher["id"], "role": "anggota"}, admin)

    def current(found: list[dict[str, Any]]) -> bool:
        return bool(found) and found[0]["ended_on"] is None

    membership = replica_memberships.c.community_id == group["id"]
    (joined,) = await eventually(lambda: rows(platform, replica_memberships, membership), current)
    assert joined["role"] == "anggota"
    (copied,) = await rows(platform, replica_people, replica_people.c.id == teacher["id"])
    assert (copied["full_name"], copied["school_npsn"], copied["kabkota_code"]) == (
        "Rina Sitorus",
        npsn,
        kabkota,
    )
    assert not {"email", "phone", "nuptk"} & set(copied)
    (copied_school,) = await rows(platform, replica_schools, replica_schools.c.npsn == npsn)
    assert copied_school["name"] == "SMP Negeri 4"

    # A member removed in membership is no member here within seconds.
    removed = await platform.client.delete(
        f"{members}/{teacher['id']}",
        params={"until": joined["started_on"].isoformat()},
        headers=admin,
    )
    assert removed.status_code == 204
    await eventually(
        lambda: rows(platform, replica_memberships, membership),
        lambda found: found[0]["ended_on"] is not None,
    )

    # Everything again from the beginning of the topic changes nothing.
    before = {r.table: await rows(platform, _table(r.table)) for r in REPLICAS}
    runtime = platform.runtime("activities")
    communities_replica = next(r for r in REPLICAS if r.name == "communities")
    _, applied = await replay(
        platform.kafka_bootstrap,
        runtime.sessions,
        [s for r in REPLICAS for s in r.subscriptions(r.table)],
    )
    assert applied > 0
    assert {r.table: await rows(platform, _table(r.table)) for r in REPLICAS} == before

    # A rebuild fills a fresh table from the topic and swaps it in (one replica: the others
    # differ only in their handlers, which the replay above ran).
    assert communities_replica.topics() == [MEMBERSHIP_COMMUNITIES]
    assert await rebuild(platform.kafka_bootstrap, runtime.sessions, communities_replica) > 0
    assert {r.table: await rows(platform, _table(r.table)) for r in REPLICAS} == before


def _table(name: str) -> Table:
    tables = (replica_schools, replica_people, replica_communities, replica_memberships)
    return next(t for t in tables if t.name == name)


async def test_kombel_replay_rebuilds_a_replica_from_the_command_line(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    npsn = await school(platform, kabkota)
    teacher = await person(platform, npsn, full_name="Yohana Wenda")
    where = replica_people.c.id == teacher["id"]
    await eventually(lambda: rows(platform, replica_people, where), bool)
    settings = platform.embedded.settings["activities"]
    environment = os.environ | {
        "KOMBEL_DATABASE_URL": settings.database_url,
        "KOMBEL_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "KOMBEL_REDIS_URL": settings.redis_url,
        "KOMBEL_AUTH_JWKS_PATH": str(settings.auth_jwks_path),
    }
    finished = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kombel_runtime.cli",
        "replay",
        "activities",
        "people",
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(finished.communicate(), timeout=120)
    assert finished.returncode == 0, err.decode()
    assert "activities.people: rebuilt from" in out.decode()
    (copied,) = await rows(platform, replica_people, where)
    assert copied["full_name"] == "Yohana Wenda"

    wrong = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kombel_runtime.cli",
        "replay",
        "activities",
        "contacts",
        env=environment,
        stderr=asyncio.subprocess.PIPE,
    )
    _, complaint = await wrong.communicate()
    assert wrong.returncode != 0
    assert "known: schools, people, communities, memberships" in complaint.decode()
