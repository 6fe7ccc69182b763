"""An activity's attendance as rows: who of the community was a member on its date, and the
whole list written at once. Shared by logging an activity and recording its attendance."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from kombel_events.regions import TimeZone
from kombel_runtime.auth import Principal
from kombel_runtime.errors import Invalid
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import activities, attendance, replica_memberships
from activities.domain.activities import PlacedTime
from activities.schemas import AttendanceIn


def attendees_of(row: dict[str, Any], members_present: int) -> int:
    return members_present + int(row["guests"]) + int(row["erased_attendees"])


# Members present, as a column of a list of activities: one query for a page, whatever the
# number of activities the community has.
MEMBERS_PRESENT = (
    select(func.count())
    .select_from(attendance)
    .where(attendance.c.activity_id == activities.c.id)
    .scalar_subquery()
    .label("members_present")
)


async def members_present(session: AsyncSession, activity_id: UUID) -> int:
    count = await session.scalar(
        select(func.count()).select_from(attendance).where(attendance.c.activity_id == activity_id)
    )
    return int(count or 0)


def local_day(row: dict[str, Any]) -> date:
    return PlacedTime(row["starts_at"], TimeZone(row["timezone"])).local.date()


async def members_on(
    session: AsyncSession, community_id: UUID, day: date, person_ids: set[UUID]
) -> set[UUID]:
    """Those of `person_ids` who were members of the community on `day`."""
    if not person_ids:
        return set()
    rows = await session.execute(
        select(replica_memberships.c.person_id).where(
            replica_memberships.c.community_id == community_id,
            replica_memberships.c.person_id.in_(person_ids),
            replica_memberships.c.started_on <= day,
            or_(replica_memberships.c.ended_on.is_(None), replica_memberships.c.ended_on >= day),
        )
    )
    return set(rows.scalars())


@dataclass(frozen=True)
class Roll:
    """An attendance checked against the community: who of its members came, and guests."""

    members: frozenset[UUID]
    guest_names: list[str]
    guests: int

    def guest_columns(self) -> dict[str, Any]:
        return {"guest_names": self.guest_names, "guests": self.guests}


async def checked_roll(session: AsyncSession, row: dict[str, Any], command: AttendanceIn) -> Roll:
    """The attendance, if every person named was a member on the activity's date and the
    guests add up; else the reason, in Indonesian."""
    wanted = set(command.person_ids)
    members = await members_on(session, row["community_id"], local_day(row), wanted)
    strangers = wanted - members
    if strangers:
        raise Invalid(
            "not_members_on_that_date",
            f"{len(strangers)} orang bukan anggota komunitas pada tanggal kegiatan. Hadirkan "
            "sebagai tamu (`guest_names`), atau periksa tanggal kegiatan.",
            details=[{"field": "person_ids", "person_id": str(p)} for p in sorted(strangers)],
        )
    guests = command.guests if command.guests is not None else len(command.guest_names)
    if guests < len(command.guest_names):
        raise Invalid(
            "guests_below_names",
            "Jumlah tamu lebih kecil dari banyaknya nama tamu.",
            details=[{"field": "guests", "code": "guests_below_names"}],
        )
    return Roll(frozenset(members), list(command.guest_names), guests)


async def add_present(
    session: AsyncSession, principal: Principal, activity_id: UUID, members: frozenset[UUID]
) -> None:
    if members:
        # One statement compiled once, many rows: cheaper than a VALUES list built per call.
        await session.execute(
            insert(attendance).on_conflict_do_nothing(),
            [
                {"activity_id": activity_id, "person_id": p, "recorded_by": principal.subject}
                for p in sorted(members)
            ],
        )


async def replace_roll(
    session: AsyncSession, principal: Principal, row: dict[str, Any], roll: Roll
) -> dict[str, Any]:
    """The recorded attendance of a stored activity becomes `roll`; the row as now stored."""
    activity_id = row["id"]
    await session.execute(
        delete(attendance).where(
            attendance.c.activity_id == activity_id, attendance.c.person_id.not_in(roll.members)
        )
    )
    await add_present(session, principal, activity_id, roll.members)
    await session.execute(
        update(activities)
        .where(activities.c.id == activity_id)
        .values(**roll.guest_columns(), updated_at=datetime.now(UTC))
    )
    return row | roll.guest_columns()
