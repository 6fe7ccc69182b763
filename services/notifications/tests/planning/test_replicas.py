"""Notifications' copies of membership's and activities' data: kept from their events, unchanged
by a replay of the topics (which plans nothing), and rebuilt into the same rows."""

from typing import Any
from uuid import UUID

import pytest
from kombel_events.regions import regions
from kombel_runtime.auth import Role
from kombel_runtime.replicas import rebuild, replay
from kombel_runtime.testing.harness import RunningPlatform, eventually
from membership.testing import community, created
from notifications.app import definition
from notifications.db.tables import (
    communities,
    community_members,
    contacts,
    messages,
    registrations,
    training_sessions,
    trainings,
)
from notifications.replicas import REPLICAS
from sqlalchemy import func, select

from .test_planning_platform import SULSEL, TANA_TORAJA, a_registration, found

pytestmark = pytest.mark.infra


async def snapshot(platform: RunningPlatform, ids: dict[str, Any]) -> dict[str, Any]:
    """This test's rows of every replica, and how many messages its person has."""
    wheres = {
        contacts: contacts.c.person_id == ids["person"],
        trainings: trainings.c.id == ids["training"],
        training_sessions: training_sessions.c.id == ids["session"],
        registrations: registrations.c.id == ids["registration"],
        communities: communities.c.id == ids["community"],
        community_members: community_members.c.community_id == ids["community"],
    }
    rows: dict[str, Any] = {t.name: await found(platform, t, where) for t, where in wheres.items()}
    async with platform.runtime("notifications").sessions() as session:
        rows["messages"] = await session.scalar(
            select(func.count()).select_from(messages).where(messages.c.person_id == ids["person"])
        )
    return rows


async def test_replicas_are_kept_replayed_unchanged_and_rebuilt(platform: RunningPlatform) -> None:
    province, kabkota = SULSEL, TANA_TORAJA
    made = await a_registration(platform, province, kabkota)
    teacher = made.teacher
    group = await community(platform, kabkota)
    await created(
        platform,
        f"/membership/communities/{group['id']}/members",
        {"person_id": teacher["id"], "role": "anggota"},
        platform.auth(Role.NATIONAL_ADMIN),
    )
    ids = {
        "person": UUID(teacher["id"]),
        "training": UUID(made.training_id),
        "session": UUID(made.session_id),
        "registration": UUID(made.registration["id"]),
        "community": UUID(group["id"]),
    }

    def complete(rows: dict[str, Any]) -> bool:
        # Each replica from its own topic, in no particular order: until every one has its row.
        return all(
            rows[t.name]
            for t in (
                contacts,
                trainings,
                training_sessions,
                registrations,
                communities,
                community_members,
            )
        )

    before = await eventually(lambda: snapshot(platform, ids), complete)
    (contact,) = before["contacts"]
    assert (contact["full_name"], contact["kabkota_code"], contact["erased_at"]) == (
        "Andi Makkasau",
        kabkota,
        None,
    )
    assert contact["email"] == teacher["email"]
    assert contact["phone"] == teacher["phone"]
    (seat,) = before["registrations"]
    assert (seat["status"], seat["person_id"]) == ("registered", ids["person"])
    (member,) = before["community_members"]
    assert (member["person_id"], member["left_on"]) == (ids["person"], None)
    zone = regions().by_code[kabkota].timezone.value
    assert contact["timezone"] == before["training_sessions"][0]["timezone"] == zone

    # Every replica's events again from the beginning of their topics: nothing changes, and
    # nothing is planned.
    runtime = platform.runtime("notifications")
    _, applied = await replay(
        platform.kafka_bootstrap,
        runtime.sessions,
        [s for r in REPLICAS for s in r.subscriptions(r.table)],
    )
    assert applied > 0
    assert await snapshot(platform, ids) == before

    # What `kombel replay notifications <replica>` finds and rebuilds.
    known = {r.name: r for r in definition.replicas}
    assert set(known) == {
        "contacts",
        "trainings",
        "training_sessions",
        "registrations",
        "communities",
        "community_members",
        "activities",
    }
    registrations_replica = known["registrations"]
    assert await rebuild(platform.kafka_bootstrap, runtime.sessions, registrations_replica) > 0
    assert await snapshot(platform, ids) == before
