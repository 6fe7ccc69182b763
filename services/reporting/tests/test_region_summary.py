"""`GET /reporting/regions/{code}/summary` and `/weekly`, and a community's own summary: the
numbers equal what membership and activities hold, filtered and scoped."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from kombel_events.regions import regions
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import (
    fresh_kabkotas,
    neighbour_of,
    province_of,
    province_other_than,
)
from reporting.weekly_standing import record_standing

from .community_world import (
    World,
    a_world,
    answer,
    directory_row,
    error_code,
    forget_cached_answers,
    read,
    source_figures,
)

pytestmark = pytest.mark.infra


def local_today(kabkota: str) -> datetime:
    zone = ZoneInfo(regions().by_code[kabkota].timezone.iana)
    return datetime.now(UTC).astimezone(zone)


async def settled(world: World, members: int, activities: int) -> None:
    """Wait until reporting's directory has the world's members and activities."""
    await eventually(
        lambda: directory_row(world.platform, world.id),
        lambda row: row is not None and row["members"] == members,
        timeout_s=30,
    )

    async def facts() -> int:
        rows = await read(
            world.platform,
            "SELECT count(*) AS n FROM activity_facts"
            " WHERE community_id = CAST(:id AS uuid) AND NOT deleted",
            id=world.id,
        )
        return int(rows[0]["n"])

    await eventually(facts, lambda n: n == activities, timeout_s=30)


async def test_a_kabkota_and_its_province_as_the_sources_hold_them(
    platform: RunningPlatform,
) -> None:
    here, quiet = fresh_kabkotas(2)
    province = province_of(here)
    lively = await a_world(platform, here, members=4)
    await lively.log(days_ago=3, present=4, phase="perencanaan")
    await lively.log(days_ago=12, present=3, phase="refleksi_awal")
    await lively.log(days_ago=45, present=2, phase="implementasi")
    small = await a_world(
        platform, here, members=3, kind="dalam_sekolah", forum_type="organik", jenjang=["SMP"]
    )
    await small.log(days_ago=1, present=0)
    await settled(lively, 4, 3)
    await settled(small, 3, 1)
    await eventually(
        lambda: directory_row(platform, lively.id),
        lambda row: row is not None and row["active_until"] is not None,
    )

    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=here)
    summary = await answer(platform, f"/reporting/regions/{here}/summary", staff)
    rows = {r["community_id"]: r for r in summary["items"]}
    assert set(rows) == {lively.id, small.id}
    today = local_today(here).date()
    since_30 = (today - timedelta(days=29)).isoformat()
    for world in (lively, small):
        source = await source_figures(world, today.isoformat(), since_30)
        row = rows[world.id]
        assert (row["members"], row["activities_30d"]) == (
            source["members"],
            source["activities_30d"],
        )
    first = rows[lively.id]
    assert first["activities_90d"] == 3
    assert first["active"] is True
    # Members present at the three recorded activities: 4 + 3 + 2 of 4 members each time.
    assert first["attendance_rate"] == round(9 / 12, 4)
    assert first["phases_this_semester"] == ["refleksi_awal", "perencanaan", "implementasi"]
    assert first["last_activity_at"] is not None
    second = rows[small.id]
    assert (second["active"], second["attendance_rate"], second["jenjang"]) == (
        False,
        None,
        ["SMP"],
    )
    assert summary["totals"] == {
        "communities": 2,
        "active": 1,
        "inactive": 1,
        "active_share": 0.5,
        "members": 7,
        "activities_30d": 3,
        "activities_90d": 4,
    }

    for filters in ({"kind": "dalam_sekolah"}, {"forum_type": "organik"}, {"jenjang": "SMP"}):
        filtered = await answer(platform, f"/reporting/regions/{here}/summary", staff, **filters)
        assert [r["community_id"] for r in filtered["items"]] == [small.id], filters

    # The province: a row for each of its kabupaten/kota, those without communities too.
    provincial = platform.auth(Role.PROVINCE_STAFF, province=province)
    whole = await answer(platform, f"/reporting/regions/{province}/summary", provincial)
    assert [r["kabkota_code"] for r in whole["items"]] == [
        r.code for r in regions().kabkota_of(province)
    ]
    mine = next(r for r in whole["items"] if r["kabkota_code"] == here)
    assert mine == {
        "kabkota_code": here,
        "name": regions().by_code[here].display_name,
        "communities": 2,
        "active": 1,
        "inactive": 1,
        "active_share": 0.5,
        "activities_30d": 3,
        "members": 7,
    }
    empty = next(r for r in whole["items"] if r["kabkota_code"] == quiet)
    assert (empty["communities"], empty["active_share"], empty["activities_30d"]) == (0, None, 0)
    for key in ("communities", "active", "members", "activities_30d"):
        assert whole["totals"][key] == sum(r[key] for r in whole["items"])
    smp = await answer(
        platform, f"/reporting/regions/{province}/summary", provincial, jenjang="SMP"
    )
    mine = next(r for r in smp["items"] if r["kabkota_code"] == here)
    assert (mine["communities"], mine["members"], mine["activities_30d"]) == (1, 3, 1)

    # District staff asking for the province see their own row of it.
    theirs = await answer(platform, f"/reporting/regions/{province}/summary", staff)
    assert [r["kabkota_code"] for r in theirs["items"]] == [here]

    # Weeks: the activities fall in the weeks of their local days. The standing at the end
    # of last week is what was recorded then (here: as the worker would have, 7 days ago).
    async with platform.runtime("reporting").sessions() as session, session.begin():
        await record_standing(session, datetime.now(UTC) - timedelta(days=7))
    weekly = await answer(platform, f"/reporting/regions/{here}/weekly", staff, weeks=10)
    assert len(weekly["items"]) == 10
    this_monday = today - timedelta(days=today.weekday())
    assert weekly["items"][-1]["week_start"] == this_monday.isoformat()
    assert weekly["totals"]["activities"] == 4
    assert weekly["totals"]["communities_registered"] == 2
    held = {i["week_start"]: i["activities"] for i in weekly["items"] if i["activities"]}
    expected: dict[str, int] = {}
    for days_ago in (1, 3, 12, 45):
        day = today - timedelta(days=days_ago)
        monday = (day - timedelta(days=day.weekday())).isoformat()
        expected[monday] = expected.get(monday, 0) + 1
    assert held == expected
    assert [i["active"] for i in weekly["items"][-2:]] == [1, 1]
    assert weekly["items"][0]["active"] is None  # before anything was recorded

    # One community's page: its row and its weeks, for its members too.
    lead = platform.auth(Role.MEMBER, person=lively.members[0]["id"])
    page = await answer(platform, f"/reporting/communities/{lively.id}/summary", lead, weeks=4)
    assert page["community"]["activities_90d"] == 3
    assert page["community"]["kabkota_code"] == here
    assert sum(w["activities"] for w in page["weekly"]) == 2  # the 45-day-old one is older
    outsider = platform.auth(Role.MEMBER, person=small.members[0]["id"])
    assert await error_code(platform, f"/reporting/communities/{lively.id}/summary", outsider) == (
        404,
        "community_not_found",
    )

    # Answers are kept a few seconds in Redis.
    await forget_cached_answers(platform)
    await platform.client.get(f"/reporting/regions/{here}/summary", headers=staff)
    client = platform.runtime("reporting").redis
    kept = [key async for key in client.scan_iter(match="reporting:answer:*")]
    assert kept
    assert 0 < await client.pttl(kept[0]) <= 5000


async def test_each_caller_reads_only_the_regions_of_their_scope(
    platform: RunningPlatform,
) -> None:
    # Nothing is written or counted here: one place drawn, its neighbours only refused.
    (here,) = fresh_kabkotas(1)
    province = province_of(here)
    there = neighbour_of(here)
    elsewhere = province_other_than(province)
    district = platform.auth(Role.DISTRICT_STAFF, kabkota=here)
    provincial = platform.auth(Role.PROVINCE_STAFF, province=province)
    foreign_province = platform.auth(Role.PROVINCE_STAFF, province=elsewhere)
    refusals: list[tuple[dict[str, str], str]] = [
        (district, f"/reporting/regions/{there}/summary"),
        (district, f"/reporting/regions/{elsewhere}/summary"),
        (district, f"/reporting/regions/{there}/weekly"),
        (foreign_province, f"/reporting/regions/{province}/summary"),
        (foreign_province, f"/reporting/regions/{here}/summary"),
    ]
    for headers, path in refusals:
        assert await error_code(platform, path, headers) == (403, "region_out_of_scope"), path
    for role in (Role.MEMBER, Role.COMMUNITY_LEAD, Role.PRINCIPAL):
        headers = platform.auth(role, kabkota=here, province=province)
        status, _ = await error_code(platform, f"/reporting/regions/{here}/summary", headers)
        assert status == 403
    for path in (f"/reporting/regions/{here}/summary", f"/reporting/regions/{province}/weekly"):
        await answer(platform, path, provincial)
        await answer(platform, path, platform.auth(Role.NATIONAL_ADMIN))

    admin = platform.auth(Role.NATIONAL_ADMIN)
    for code in ("99", "12.99", "abc", "12.11.01"):
        assert await error_code(platform, f"/reporting/regions/{code}/summary", admin) == (
            404,
            "region_not_found",
        ), code
    bad: list[dict[str, Any]] = [
        {"format": "pdf"},
        {"kind": "entah"},
        {"jenjang": "SMA Luar Biasa"},
    ]
    for params in bad:
        assert await error_code(
            platform, f"/reporting/regions/{here}/summary", admin, **params
        ) == (422, "validation_failed"), params
    for weeks in (0, 105, "banyak"):
        assert await error_code(
            platform, f"/reporting/regions/{here}/weekly", admin, weeks=weeks
        ) == (422, "validation_failed")
