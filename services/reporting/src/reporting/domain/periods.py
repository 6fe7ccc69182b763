"""Days, weeks and semesters as a region lives them: pure functions, no I/O.

Activities are bucketed by the local date of their start in the zone of the community's place,
so "the last 30 days" and "this week" are counted in local days of the region asked about.
The Indonesian school year has two semesters: July to December (ganjil) and January to June
(genap).
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kombel_events.regions import TimeZone, regions
from kombel_runtime.local_time import zone_of


def zone_of_region(code: str) -> TimeZone:
    """The zone of a province or kabupaten/kota (a province spans one zone); WIB if unknown."""
    region = regions().get(code)
    return region.timezone if region is not None else TimeZone.WIB


def local_day(instant: datetime, zone_name: str | None) -> date:
    """The local date of an instant in the zone an event names (WIB, WITA, WIT)."""
    return instant.astimezone(ZoneInfo(zone_of(zone_name).iana)).date()


def local_today(zone: TimeZone, now: datetime) -> date:
    return now.astimezone(ZoneInfo(zone.iana)).date()


def semester_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def week_start(day: date) -> date:
    """The Monday of the ISO week of `day`."""
    return day - timedelta(days=day.weekday())


def iso_week(day: date) -> str:
    """`2026-W49`, as ISO 8601 writes a week."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
