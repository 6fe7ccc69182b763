"""Reporting's read models follow membership's and activities' events: members, activity
facts, day buckets, the last activity and `active_until`, unchanged by a replay."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkotas
from membership.testing import community
from reporting.domain.active_rule import ActiveRule, ActivityFact, active_until

from .community_world import a_world, answer, directory_row, read, replay_community

pytestmark = pytest.mark.infra


async def buckets(platform: RunningPlatform, community_id: str) -> dict[str, int]:
    rows = await read(
        platform,
        "SELECT day, activities FROM community_activity_days"
        " WHERE community_id = CAST(:id AS uuid) AND activities > 0 ORDER BY day",
        id=community_id,
    )
    return {r["day"].isoformat(): r["activities"] for r in rows}


async def region_buckets(platform: RunningPlatform, kabkota: str) -> dict[str, int]:
    rows = await read(
        platform,
        "SELECT day, activities FROM region_activity_days"
        " WHERE kabkota_code = :code AND activities <> 0 ORDER BY day",
        code=kabkota,
    )
    return {r["day"].isoformat(): r["activities"] for r in rows}


def start_of(activity: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(activity["starts_at"].replace("Z", "+00:00"))


async def test_activities_members_and_activity_standing_follow_the_events(
    platform: RunningPlatform,
) -> None:
    (kabkota,) = fresh_kabkotas(1)
    world = await a_world(platform, kabkota, members=4)
    recent = await world.log(days_ago=5, present=3)
    older = await world.log(days_ago=10, present=4, phase="perencanaan")
    await world.log(days_ago=2, present=1)  # too few members present to count for the rule

    def settled(row: dict[str, Any] | None) -> bool:
        return (
            row is not None
            and row["members"] == 4
            and row["last_activity_at"] == start_of(world.activities[-1])
            and row["active_until"] is not None
        )

    row = await eventually(lambda: directory_row(platform, world.id), settled)
    assert row is not None
    # Active until the second most recent qualifying activity leaves the 60-day window.
    assert row["active_until"] == start_of(older) + timedelta(days=60)
    # The SQL of the projection and the rule's pure logic agree.
    facts = await read(
        platform,
        "SELECT starts_at, attendees, members_present, deleted FROM activity_facts"
        " WHERE community_id = CAST(:id AS uuid)",
        id=world.id,
    )
    assert row["active_until"] == active_until([ActivityFact(**f) for f in facts], ActiveRule())
    days = {world.local_start(n)[:10]: 1 for n in (2, 5, 10)}
    assert await buckets(platform, world.id) == days
    assert await region_buckets(platform, kabkota) == days
    facts = await read(
        platform,
        "SELECT members_present, attendees FROM activity_facts"
        " WHERE activity_id = CAST(:id AS uuid)",
        id=recent["id"],
    )
    assert facts == [{"members_present": 3, "attendees": 3}]

    # Every event of the community applied once more changes nothing.
    before = (
        await directory_row(platform, world.id),
        await buckets(platform, world.id),
        await region_buckets(platform, kabkota),
    )
    assert await replay_community(platform, world.id) > 0
    after = (
        await directory_row(platform, world.id),
        await buckets(platform, world.id),
        await region_buckets(platform, kabkota),
    )
    assert after == before

    # A changed start moves its bucket; a deleted activity leaves its bucket and the rule.
    moved = world.local_start(20)
    changed = await platform.client.patch(
        f"/activities/activities/{recent['id']}", json={"starts_at": moved}, headers=world.staff
    )
    assert changed.status_code == 200, changed.text
    deleted = await platform.client.delete(
        f"/activities/activities/{older['id']}", headers=world.staff
    )
    assert deleted.status_code == 204
    expected = {world.local_start(2)[:10]: 1, moved[:10]: 1}
    await eventually(lambda: buckets(platform, world.id), lambda found: found == expected)
    assert await region_buckets(platform, kabkota) == expected
    row = await eventually(
        lambda: directory_row(platform, world.id),
        lambda found: found is not None and found["active_until"] is None,
    )

    # Someone leaves: the count follows.
    leaving = world.members[-1]["id"]
    left = await platform.client.delete(
        f"/membership/communities/{world.id}/members/{leaving}",
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert left.status_code == 204, left.text
    await eventually(
        lambda: directory_row(platform, world.id),
        lambda found: found is not None and found["members"] == 3,
    )


async def region_count(platform: RunningPlatform, kabkota: str) -> int | None:
    rows = await read(
        platform,
        "SELECT communities FROM region_community_counts WHERE kabkota_code = :code",
        code=kabkota,
    )
    return rows[0]["communities"] if rows else None


async def test_a_renamed_then_archived_community_leaves_the_counts_once(
    platform: RunningPlatform,
) -> None:
    (kabkota,) = fresh_kabkotas(1)
    admin = platform.auth(Role.NATIONAL_ADMIN)
    kept = await community(platform, kabkota)
    gone = await community(platform, kabkota)
    await eventually(lambda: region_count(platform, kabkota), lambda n: n == 2)

    renamed = await platform.client.patch(
        f"/membership/communities/{kept['id']}", json={"name": "KKG Gugus Anggrek"}, headers=admin
    )
    assert renamed.status_code == 200, renamed.text
    archived = await platform.client.post(
        f"/membership/communities/{gone['id']}/archive", headers=admin
    )
    assert archived.status_code == 200, archived.text
    row = await eventually(
        lambda: directory_row(platform, gone["id"]),
        lambda found: found is not None and found["archived_at"] is not None,
    )
    assert row is not None
    assert row["active_until"] is None
    await eventually(
        lambda: directory_row(platform, kept["id"]),
        lambda found: found is not None and found["name"] == "KKG Gugus Anggrek",
    )
    assert await region_count(platform, kabkota) == 1

    for each in (kept, gone):
        await replay_community(platform, each["id"])
    assert await region_count(platform, kabkota) == 1
    summary = await answer(
        platform,
        f"/reporting/regions/{kabkota}/summary",
        platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota),
    )
    assert [(i["community_id"], i["name"]) for i in summary["items"]] == [
        (kept["id"], "KKG Gugus Anggrek")
    ]
