"""When each area's weekly digest is due: Monday 07.00 on the area's own wall clock.

Pure functions, no I/O. A province and its kabupaten/kota share one zone (WIB, WITA or WIT),
so Papua's digests are due two hours of UTC before Java's. A digest covers the week that ends
at its instant: communities that went quiet after the previous Monday 07.00 and by this one.
Using the scheduled instants on both ends, rather than the moment a worker got round to it,
makes the weeks tile exactly, however late a worker runs.

A digest more than a day late is not written at all: a Thursday message about Monday's week
is news to nobody, and a service deployed mid-week would otherwise send one at once.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from kombel_events.regions import RegionKind, TimeZone, regions
from kombel_events.reporting import AreaKind

DUE_WEEKDAY = 0  # Monday
DUE_TIME = time(7, 0)
LATE_LIMIT = timedelta(days=1)
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Area:
    code: str
    kind: AreaKind
    province_code: str
    zone: TimeZone

    @property
    def kabkota_code(self) -> str | None:
        return self.code if self.kind is AreaKind.KABKOTA else None


@dataclass(frozen=True)
class DigestWeek:
    week_start: date  # the local Monday
    due_at: datetime  # Monday 07.00 local, in UTC
    quiet_since: datetime  # the previous week's instant, in UTC


def _at(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, DUE_TIME, tzinfo=zone).astimezone(UTC)


def latest_week(now: datetime, zone: TimeZone) -> DigestWeek:
    """The last week whose digest instant in `zone` is at or before `now`."""
    place = ZoneInfo(zone.iana)
    local = now.astimezone(place)
    monday = local.date() - timedelta(days=(local.weekday() - DUE_WEEKDAY) % 7)
    if _at(monday, place) > now:
        monday -= WEEK
    return DigestWeek(monday, _at(monday, place), _at(monday - WEEK, place))


@cache
def all_areas() -> tuple[Area, ...]:
    """Every province and kabupaten/kota of the directory, provinces first."""
    found = [
        Area(
            region.code,
            AreaKind.PROVINCE if region.kind is RegionKind.PROVINSI else AreaKind.KABKOTA,
            region.province_code,
            region.timezone,
        )
        for region in regions().by_code.values()
        if region.kind in (RegionKind.PROVINSI, RegionKind.KABUPATEN, RegionKind.KOTA)
    ]
    return tuple(sorted(found, key=lambda area: (area.kind is AreaKind.KABKOTA, area.code)))


def due_areas(now: datetime, only: Collection[str] | None = None) -> list[tuple[Area, DigestWeek]]:
    """The areas (all, or those named in `only`) whose latest digest is due at `now` and not
    too late to be worth writing, each with its week."""
    weeks = {zone: latest_week(now, zone) for zone in TimeZone}
    return [
        (area, weeks[area.zone])
        for area in all_areas()
        if (only is None or area.code in only) and now - weeks[area.zone].due_at <= LATE_LIMIT
    ]
