"""Who came to an activity: recorded by its lead, or by members themselves while it is open;
forgotten by name, kept as a count, when a person is erased."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from kombel_events.activities import AttendanceRecorded
from kombel_events.membership import PersonErased
from kombel_runtime.auth import Principal
from kombel_runtime.consumer import Received
from kombel_runtime.errors import Conflict, Forbidden, NotFound
from kombel_runtime.outbox import record_events
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import activities, attendance, replica_people
from activities.domain.activities import attendance_open
from activities.schemas import AttendanceIn
from activities.services.activities import readable_activity, writable_activity
from activities.services.attendance_records import (
    attendees_of,
    checked_roll,
    local_day,
    members_on,
    members_present,
    replace_roll,
)

WHAT = "Kegiatan"


async def _recorded(session: AsyncSession, source: str, row: dict[str, Any]) -> dict[str, Any]:
    present = await members_present(session, row["id"])
    await record_events(
        session,
        source,
        [
            AttendanceRecorded(
                activity_id=row["id"],
                community_id=row["community_id"],
                members_present=present,
                guests=row["guests"],
                attendees=attendees_of(row, present),
            )
        ],
    )
    return row


async def record_attendance(
    session: AsyncSession,
    source: str,
    principal: Principal,
    activity_id: UUID,
    command: AttendanceIn,
) -> dict[str, Any]:
    """The whole attendance, replacing what was recorded: members present (members of the
    community on the activity's date) and guests by name and count."""
    row = await writable_activity(session, principal, activity_id)
    row = await replace_roll(session, principal, row, await checked_roll(session, row, command))
    return await _recorded(session, source, row)


async def mark_present(
    session: AsyncSession, source: str, principal: Principal, activity_id: UUID
) -> dict[str, Any]:
    """A member marks themselves present while the activity is open."""
    row, place = await readable_activity(session, principal, activity_id)
    if principal.person_id is None or not place.member:
        raise Forbidden(
            "forbidden", "Hanya anggota komunitas yang dapat mencatat kehadirannya sendiri."
        )
    if not attendance_open(row["starts_at"], row["duration_minutes"], datetime.now(UTC)):
        raise Conflict(
            "attendance_closed",
            "Kehadiran hanya dapat dicatat sendiri dari satu jam sebelum kegiatan sampai sehari "
            "setelah selesai. Minta penggerak mencatatnya.",
        )
    day = local_day(row)
    if not await members_on(session, row["community_id"], day, {principal.person_id}):
        raise Conflict(
            "not_member_on_that_date", "Anda belum menjadi anggota pada tanggal kegiatan."
        )
    await session.execute(
        insert(attendance)
        .values(
            activity_id=activity_id, person_id=principal.person_id, recorded_by=principal.subject
        )
        .on_conflict_do_nothing()
    )
    return await _recorded(session, source, row)


async def attendance_of(
    session: AsyncSession, principal: Principal, activity_id: UUID
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    row, _ = await readable_activity(session, principal, activity_id)
    people = await session.execute(
        select(attendance.c.person_id, replica_people.c.full_name, replica_people.c.school_npsn)
        .join(replica_people, replica_people.c.id == attendance.c.person_id, isouter=True)
        .where(attendance.c.activity_id == activity_id)
        .order_by(replica_people.c.full_name)
    )
    return row, [dict(p) for p in people.mappings()]


async def forget_attendance(
    session: AsyncSession, received: Sequence[Received[PersonErased]]
) -> None:
    """An erased person leaves every attendance list; each activity keeps them as a count."""
    ids = [r.event.person_id for r in received]
    await session.execute(
        text(
            """
            WITH gone AS (
                DELETE FROM attendance WHERE person_id = ANY(:ids) RETURNING activity_id
            )
            UPDATE activities a SET erased_attendees = a.erased_attendees + g.n
            FROM (SELECT activity_id, count(*) AS n FROM gone GROUP BY activity_id) g
            WHERE a.id = g.activity_id
            """
        ),
        {"ids": ids},
    )


async def attendance_export(
    session: AsyncSession, principal: Principal, person_id: UUID
) -> list[dict[str, Any]]:
    """Activities' part of a person's data (UU PDP): the activities they attended. For the
    person and for staff whose region covers them."""
    person = (
        (await session.execute(select(replica_people).where(replica_people.c.id == person_id)))
        .mappings()
        .first()
    )
    region = person["kabkota_code"] if person else None
    staff = region is not None and principal.covers_region(region)
    if not (principal.person_id == person_id or staff):
        raise NotFound("not_found", "PTK tidak ditemukan atau di luar wilayah kewenangan Anda.")
    rows = await session.execute(
        select(
            activities.c.id,
            activities.c.community_id,
            activities.c.title,
            activities.c.starts_at,
            activities.c.timezone,
            attendance.c.recorded_at,
        )
        .join(attendance, attendance.c.activity_id == activities.c.id)
        .where(attendance.c.person_id == person_id)
        .order_by(activities.c.starts_at)
    )
    return [dict(r) for r in rows.mappings()]
