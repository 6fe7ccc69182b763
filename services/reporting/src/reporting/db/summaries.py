"""Queries of the summaries: aggregates over the read models only, never the source rows.

A province's rows come from the directory rows of its communities (a few thousand at most)
and from the day buckets per kabupaten/kota; a kabupaten/kota's rows from its communities and
their day buckets of the last 90 days (or since the semester began). Activities in the last
30 and 90 days are counted in local days, today included, in the zone of the region.

Unfiltered, a province's activities per kabupaten/kota are every activity held there (those of
communities archived since included), read from the buckets per kabupaten/kota; filtered (by
kind, forum type, jenjang), they are summed from the buckets of the listed communities.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from kombel_events.regions import TimeZone
from sqlalchemy import ColumnElement, Date, and_, cast, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.db.tables import community_activity_days as days
from reporting.db.tables import community_directory as directory
from reporting.db.tables import region_activity_days as region_days
from reporting.db.tables import region_weekly_standing as standing
from reporting.domain.periods import local_today, semester_start, week_start


@dataclass(frozen=True)
class CommunityFilter:
    """Filters of a summary: kind, forum type, jenjang (each optional)."""

    kind: str | None = None
    forum_type: str | None = None
    jenjang: str | None = None

    @property
    def any(self) -> bool:
        return bool(self.kind or self.forum_type or self.jenjang)

    def key(self) -> str:
        return f"{self.kind or ''},{self.forum_type or ''},{self.jenjang or ''}"

    def conditions(self) -> list[ColumnElement[bool]]:
        found = []
        if self.kind:
            found.append(directory.c.kind == self.kind)
        if self.forum_type:
            found.append(directory.c.forum_type == self.forum_type)
        if self.jenjang:
            found.append(directory.c.jenjang.any(self.jenjang))
        return found


@dataclass(frozen=True)
class Periods:
    """The windows of a summary, in local days of the region's zone."""

    now: datetime
    today: date

    @classmethod
    def at(cls, zone: TimeZone, now: datetime) -> "Periods":
        return cls(now, local_today(zone, now))

    def since(self, days_back: int) -> date:
        """The first day of the last `days_back` days, today included."""
        return self.today - timedelta(days=days_back - 1)

    @property
    def semester(self) -> date:
        return semester_start(self.today)


def _listed(province: str, kabkota: str | None, filters: CommunityFilter) -> list[Any]:
    where = [directory.c.province_code == province, directory.c.archived_at.is_(None)]
    if kabkota:
        where.append(directory.c.kabkota_code == kabkota)
    return where + filters.conditions()


async def kabkota_rows(
    session: AsyncSession,
    province: str,
    only_kabkota: str | None,
    filters: CommunityFilter,
    periods: Periods,
) -> dict[str, dict[str, int]]:
    """Per kabupaten/kota that has communities: communities, active, members, activities in
    the last 30 days."""
    standing = (
        select(
            directory.c.kabkota_code,
            func.count().label("communities"),
            func.count().filter(directory.c.active_until > periods.now).label("active"),
            func.coalesce(func.sum(directory.c.members), 0).label("members"),
        )
        .where(*_listed(province, only_kabkota, filters))
        .group_by(directory.c.kabkota_code)
    )
    found: dict[str, dict[str, int]] = {
        r.kabkota_code: {"communities": r.communities, "active": r.active, "members": r.members}
        for r in await session.execute(standing)
    }
    window = (periods.since(30), periods.today)
    if filters.any:
        activities = (
            select(directory.c.kabkota_code, func.sum(days.c.activities).label("activities"))
            .select_from(days.join(directory, directory.c.community_id == days.c.community_id))
            .where(*_listed(province, only_kabkota, filters), days.c.day.between(*window))
            .group_by(directory.c.kabkota_code)
        )
    else:
        where = [region_days.c.province_code == province, region_days.c.day.between(*window)]
        if only_kabkota:
            where.append(region_days.c.kabkota_code == only_kabkota)
        activities = (
            select(
                region_days.c.kabkota_code, func.sum(region_days.c.activities).label("activities")
            )
            .where(*where)
            .group_by(region_days.c.kabkota_code)
        )
    for r in await session.execute(activities):
        row = found.setdefault(r.kabkota_code, {"communities": 0, "active": 0, "members": 0})
        row["activities_30d"] = int(r.activities or 0)
    return found


def _community_figures(periods: Periods) -> Any:
    """Per community (lateral): activities in 30 and 90 days, attendance, phases."""
    d30, d90, semester = periods.since(30), periods.since(90), periods.semester
    recent = days.c.day >= d90
    return (
        select(
            func.coalesce(func.sum(days.c.activities).filter(days.c.day >= d30), 0).label(
                "activities_30d"
            ),
            func.coalesce(func.sum(days.c.activities).filter(recent), 0).label("activities_90d"),
            func.coalesce(func.sum(days.c.with_attendance).filter(recent), 0).label(
                "with_attendance"
            ),
            func.coalesce(func.sum(days.c.members_present).filter(recent), 0).label(
                "members_present"
            ),
            func.coalesce(func.bit_or(days.c.phases).filter(days.c.day >= semester), 0).label(
                "phases"
            ),
        )
        .where(
            days.c.community_id == directory.c.community_id,
            days.c.day >= min(d90, semester),
            days.c.day <= periods.today,
        )
        .lateral("figures")
    )


_COMMUNITY_COLUMNS = (
    directory.c.community_id,
    directory.c.name,
    directory.c.kind,
    directory.c.forum_type,
    directory.c.jenjang,
    directory.c.province_code,
    directory.c.kabkota_code,
    directory.c.members,
    directory.c.last_activity_at,
    directory.c.active_until,
    directory.c.archived_at,
)


async def community_rows(
    session: AsyncSession, province: str, kabkota: str, filters: CommunityFilter, periods: Periods
) -> list[dict[str, Any]]:
    """The communities of a kabupaten/kota, with their figures, by name."""
    figures = _community_figures(periods)
    query = (
        select(*_COMMUNITY_COLUMNS, figures)
        .select_from(directory.outerjoin(figures, true()))
        .where(*_listed(province, kabkota, filters))
        .order_by(directory.c.name, directory.c.community_id)
    )
    return [dict(r) for r in (await session.execute(query)).mappings()]


async def community_row(
    session: AsyncSession, community_id: UUID, periods: Periods
) -> dict[str, Any] | None:
    figures = _community_figures(periods)
    query = (
        select(*_COMMUNITY_COLUMNS, figures)
        .select_from(directory.outerjoin(figures, true()))
        .where(directory.c.community_id == community_id)
    )
    found = (await session.execute(query)).mappings().first()
    return dict(found) if found else None


async def community_place(session: AsyncSession, community_id: UUID) -> dict[str, Any] | None:
    """Where a community is, to decide who may read it."""
    query = select(
        directory.c.community_id, directory.c.province_code, directory.c.kabkota_code
    ).where(directory.c.community_id == community_id)
    found = (await session.execute(query)).mappings().first()
    return dict(found) if found else None


def _weeks(periods: Periods, weeks: int) -> tuple[date, date]:
    return week_start(periods.today) - timedelta(weeks=weeks - 1), periods.today


async def region_weeks(
    session: AsyncSession,
    zone: TimeZone,
    province: str,
    kabkota: str | None,
    periods: Periods,
    weeks: int,
) -> dict[date, dict[str, int]]:
    """Per ISO week (its Monday): activities held, communities registered, and communities
    active at its end (where recorded, `reporting.weekly_standing`)."""
    first, last = _weeks(periods, weeks)
    found: dict[date, dict[str, int]] = {}
    week = cast(func.date_trunc("week", region_days.c.day), Date).label("week")
    where = [region_days.c.province_code == province, region_days.c.day.between(first, last)]
    if kabkota:
        where.append(region_days.c.kabkota_code == kabkota)
    held = select(week, func.sum(region_days.c.activities).label("n")).where(*where).group_by(week)
    for r in await session.execute(held):
        found.setdefault(r.week, {})["activities"] = int(r.n or 0)
    local = func.timezone(zone.iana, directory.c.registered_at)
    registered_week = cast(func.date_trunc("week", local), Date).label("week")
    listed = [directory.c.province_code == province, cast(local, Date).between(first, last)]
    if kabkota:
        listed.append(directory.c.kabkota_code == kabkota)
    registered = (
        select(registered_week, func.count().label("n")).where(*listed).group_by(registered_week)
    )
    for r in await session.execute(registered):
        found.setdefault(r.week, {})["communities_registered"] = int(r.n)
    # Active at each past week's end, as recorded then; this week's, as it is now.
    kept = [standing.c.province_code == province, standing.c.week_start.between(first, last)]
    if kabkota:
        kept.append(standing.c.kabkota_code == kabkota)
    recorded = (
        select(standing.c.week_start, func.sum(standing.c.active).label("n"))
        .where(*kept)
        .group_by(standing.c.week_start)
    )
    for r in await session.execute(recorded):
        found.setdefault(r.week_start, {})["active"] = int(r.n or 0)
    now_active = select(func.count()).where(
        *_listed(province, kabkota, CommunityFilter()), directory.c.active_until > periods.now
    )
    found.setdefault(week_start(periods.today), {})["active"] = int(
        (await session.execute(now_active)).scalar_one()
    )
    return found


async def community_weeks(
    session: AsyncSession, community_id: UUID, periods: Periods, weeks: int
) -> dict[date, dict[str, int]]:
    first, last = _weeks(periods, weeks)
    week = cast(func.date_trunc("week", days.c.day), Date).label("week")
    held = (
        select(week, func.sum(days.c.activities).label("n"))
        .where(and_(days.c.community_id == community_id, days.c.day.between(first, last)))
        .group_by(week)
    )
    return {r.week: {"activities": int(r.n or 0)} for r in await session.execute(held)}


def week_starts(periods: Periods, weeks: int) -> list[date]:
    first, _ = _weeks(periods, weeks)
    return [first + timedelta(weeks=n) for n in range(weeks)]
