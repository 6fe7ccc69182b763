"""A paper attendance list of an activity, imported: each row names a member who came.

Activities' people replica holds names, schools and regions, never contact data, so a row is
matched by its name among the community's members on the activity's date (case and spacing
aside). NUPTK, email and phone columns are read (a sign-in sheet often has them) but match
nothing: a name two members share is refused with a reason, to be recorded in the app.
"""

from typing import Annotated, Any
from uuid import UUID

from kombel_events.activities import AttendanceRecorded
from kombel_runtime.imports.job import Chunk, Job
from kombel_runtime.imports.kinds import Column, KindSpec
from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import attendance, replica_memberships, replica_people
from activities.imports.organisers import target_of
from activities.services.activities import writable_activity
from activities.services.attendance_records import attendees_of, local_day

KIND = "attendance"
NOT_A_MEMBER = "Nama Lengkap: bukan anggota komunitas pada tanggal kegiatan; catat sebagai tamu"


def _blank_is_none(value: object) -> object:
    return value.strip() or None if isinstance(value, str) else value


Optional = Annotated[str | None, BeforeValidator(_blank_is_none)]


class AttendanceDraft(BaseModel):
    full_name: Annotated[str, BeforeValidator(str.strip), Field(min_length=1, max_length=200)]
    nuptk: Optional = None
    email: Optional = None
    phone: Optional = None


SPEC = KindSpec(
    KIND,
    AttendanceDraft,
    (
        Column(
            "full_name",
            "Nama Lengkap",
            ("namalengkap", "nama", "namaptk", "namaguru", "namapeserta", "namalengkapgelar"),
            True,
            "Rina Sitorus, S.Pd.",
        ),
        Column("nuptk", "NUPTK", ("nuptk",), False, ""),
        Column("email", "Email", ("email", "alamatemail", "surel", "emailaktif"), False, ""),
        Column(
            "phone",
            "No. HP/WA",
            ("nohpwa", "nohp", "nowa", "nomorhp", "nomorwa", "nomorhpwa", "hp", "wa", "whatsapp"),
            False,
            "",
        ),
    ),
)


def name_key(name: str) -> str:
    """Names compare without case or spacing: 'rina  SITORUS' is 'Rina Sitorus'."""
    return " ".join(name.split()).casefold()


async def _members_by_name(
    session: AsyncSession, activity: dict[str, Any]
) -> dict[str, list[UUID]]:
    day = local_day(activity)
    rows = await session.execute(
        select(replica_people.c.id, replica_people.c.full_name)
        .join(replica_memberships, replica_memberships.c.person_id == replica_people.c.id)
        .where(
            replica_memberships.c.community_id == activity["community_id"],
            replica_memberships.c.started_on <= day,
            or_(replica_memberships.c.ended_on.is_(None), replica_memberships.c.ended_on >= day),
            replica_people.c.full_name.is_not(None),
        )
    )
    members: dict[str, list[UUID]] = {}
    for person_id, full_name in rows.tuples():
        members.setdefault(name_key(full_name), []).append(person_id)
    return members


async def apply(session: AsyncSession, job: Job, chunk: Chunk) -> None:
    # The importer's right is read again from the data: a lead who stepped down while the job
    # waited imports nothing.
    activity = await target_of(session, job, writable_activity)
    activity_id = activity["id"]
    members = await _members_by_name(session, activity)
    present = set(
        await session.scalars(
            select(attendance.c.person_id).where(attendance.c.activity_id == activity_id)
        )
    )
    # Who this job added, its earlier chunks included (they may not be committed yet).
    chosen: set[UUID] = job.decided.setdefault(("present",), set())
    added: list[UUID] = []
    for row in chunk.rows:
        if row.error:
            continue
        found = members.get(name_key(row.values["full_name"]), [])
        if not found:
            row.error = NOT_A_MEMBER
        elif len(found) > 1:
            row.error = (
                f"Nama Lengkap: dipakai {len(found)} anggota komunitas; catat kehadiran mereka "
                "lewat aplikasi"
            )
        elif not job.claim(chunk, row, [("person", str(found[0]))]):
            continue
        elif found[0] in present or found[0] in chosen:
            chunk.duplicate(row, "sudah tercatat hadir")
        else:
            chosen.add(found[0])
            chunk.counters.created += 1
            added.append(found[0])
    if not added:
        return
    chunk.statements.append(
        insert(attendance)
        .values(
            [
                {"activity_id": activity_id, "person_id": p, "recorded_by": job.principal.subject}
                for p in added
            ]
        )
        .on_conflict_do_nothing()
    )
    count = len(present | chosen)
    chunk.events.append(
        AttendanceRecorded(
            activity_id=activity_id,
            community_id=activity["community_id"],
            members_present=count,
            guests=activity["guests"],
            attendees=attendees_of(activity, count),
        )
    )
