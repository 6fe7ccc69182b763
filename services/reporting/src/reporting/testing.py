"""Reporting's read-model rows and digest ticks, for tests of this and later services.

The directory's activity columns are kept by projections; a test of the digest writes rows
as those projections would, so it can set a community's `active_until` to any instant.
"""

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from kombel_events.regions import TimeZone
from kombel_runtime.testing.harness import RunningPlatform
from sqlalchemy import text

from reporting.digest import compile_due_digests

_INSERT = text(
    """
    INSERT INTO community_directory (
        community_id, name, kind, forum_type, jenjang, province_code, kabkota_code,
        registered_at, archived_at, last_activity_at, active_until)
    VALUES (:community_id, :name, 'dalam_sekolah', 'organik', ARRAY['SD'], :province_code,
            :kabkota_code, :registered_at, :archived_at, :last_activity_at, :active_until)
    """
)


async def a_directory_row(
    platform: RunningPlatform,
    kabkota: str,
    name: str,
    *,
    active_until: datetime | None,
    last_activity_at: datetime | None = None,
    archived_at: datetime | None = None,
) -> UUID:
    """A community in reporting's directory, with its activity as a projection keeps it."""
    community_id = uuid4()
    async with platform.runtime("reporting").sessions() as session, session.begin():
        await session.execute(
            _INSERT,
            {
                "community_id": community_id,
                "name": name,
                "province_code": kabkota.split(".")[0],
                "kabkota_code": kabkota,
                "registered_at": datetime(2025, 7, 14, tzinfo=UTC),
                "archived_at": archived_at,
                "last_activity_at": last_activity_at,
                "active_until": active_until,
            },
        )
    return community_id


def monday_at(week_start: date, hour: int, minute: int, zone: TimeZone) -> datetime:
    """An instant of a Monday on a zone's wall clock, in UTC."""
    local = datetime.combine(week_start, time(hour, minute), tzinfo=ZoneInfo(zone.iana))
    return local.astimezone(UTC)


def a_future_monday(weeks_ahead: int) -> date:
    """A Monday far enough ahead that the live worker (real clock) never reaches its week."""
    today = datetime.now(UTC).date() + timedelta(weeks=52 + weeks_ahead)
    return today - timedelta(days=today.weekday())


async def tick(platform: RunningPlatform, now: datetime, only: Collection[str]) -> int:
    """One tick of the digest scheduler as of `now`, for these areas only."""
    runtime = platform.runtime("reporting")
    return await compile_due_digests(runtime.sessions, runtime.source, now, only)
