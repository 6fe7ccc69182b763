"""The weekly digest on the running platform: one event per area and week once its Monday
07.00 local time has passed, never before, once however many ticks race or restart."""

import asyncio
import json
from datetime import date, timedelta
from typing import Any

import pytest
from kombel_events.regions import RegionKind, TimeZone, regions
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkotas
from reporting.testing import a_directory_row, a_future_monday, monday_at, tick
from sqlalchemy import text

pytestmark = pytest.mark.infra

TOPIC = "kombel.reporting.digests"


async def digests(platform: RunningPlatform, area: str, week: str) -> list[dict[str, Any]]:
    found = []
    for record in await platform.read_topic(TOPIC):
        value = json.loads(record.value)
        if value["area_code"] == area and value["week_start"] == week:
            assert record.key == area.encode()
            found.append(value)
    return found


async def runs(platform: RunningPlatform, week: date, *areas: str) -> set[str]:
    """The areas whose digest of `week` was written (the live worker keeps to real weeks)."""
    async with platform.runtime("reporting").sessions() as session:
        found = await session.scalars(
            text(
                "SELECT area_code FROM digest_runs"
                " WHERE area_code = ANY(:areas) AND week_start = :week"
            ),
            {"areas": list(areas), "week": week},
        )
        return set(found)


async def test_a_district_digest_is_written_once_at_monday_seven_local_time(
    platform: RunningPlatform,
) -> None:
    here, empty = fresh_kabkotas(2)
    zone = regions().by_code[here].timezone
    week = a_future_monday(0)
    due = monday_at(week, 7, 0, zone)
    last_week = due - timedelta(days=7)
    quiet = await a_directory_row(
        platform,
        here,
        "KKG Gugus 2",
        active_until=due - timedelta(days=2),
        last_activity_at=due - timedelta(days=62),
    )
    await a_directory_row(platform, here, "MGMP IPA", active_until=due + timedelta(days=30))
    await a_directory_row(platform, here, "Kombel Lama", active_until=last_week - timedelta(days=1))
    await a_directory_row(platform, here, "Belum Pernah", active_until=None)
    await a_directory_row(
        platform,
        here,
        "Diarsipkan",
        active_until=due - timedelta(days=1),
        archived_at=due - timedelta(days=1),
    )

    assert await tick(platform, monday_at(week, 6, 55, zone), [here, empty]) == 0
    assert await runs(platform, week, here, empty) == set()

    # Two replicas tick at once as of 07.05: one of them writes the digest.
    at = monday_at(week, 7, 5, zone)
    written = await asyncio.gather(*(tick(platform, at, [here, empty]) for _ in range(2)))
    assert sorted(written) == [0, 1]
    (digest,) = await eventually(
        lambda: digests(platform, here, week.isoformat()), lambda found: len(found) >= 1
    )
    assert digest["area_kind"] == "kabkota"
    assert digest["timezone"] == zone.value
    assert (digest["communities"], digest["active"], digest["inactive"]) == (4, 1, 3)
    assert digest["gone_quiet"] == 1
    assert [c["community_id"] for c in digest["quiet_communities"]] == [str(quiet)]
    assert digest["quiet_communities"][0]["name"] == "KKG Gugus 2"

    # After a restart (a later tick, the same day), nothing new; the empty district was
    # checked and has no digest.
    assert await tick(platform, at + timedelta(hours=3), [here, empty]) == 0
    assert await runs(platform, week, here, empty) == {here, empty}
    assert len(await digests(platform, here, week.isoformat())) == 1
    assert await digests(platform, empty, week.isoformat()) == []


def _first_province(zone: TimeZone) -> str:
    return next(
        r.code
        for r in regions().by_code.values()
        if r.kind is RegionKind.PROVINSI and r.timezone is zone
    )


async def test_a_wit_province_is_due_at_another_utc_instant_than_a_wib_one(
    platform: RunningPlatform,
) -> None:
    # Checked by the runs of a week no other test uses (events go only to that week's readers).
    wit, wib = _first_province(TimeZone.WIT), _first_province(TimeZone.WIB)
    week = a_future_monday(1)
    papua_morning = monday_at(week, 7, 30, TimeZone.WIT)  # 05.30 WIB
    await tick(platform, papua_morning, [wit, wib])
    assert await runs(platform, week, wit, wib) == {wit}
    await tick(platform, monday_at(week, 7, 0, TimeZone.WIB), [wit, wib])
    assert await runs(platform, week, wit, wib) == {wit, wib}
