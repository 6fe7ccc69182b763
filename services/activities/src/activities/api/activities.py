"""`/activities/…`: a community's activities and their attendance. Routes parse, call the use
case, and map its result to the response."""

from datetime import date, datetime, time
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response, UploadFile, status
from kombel_events.activities import Mode, Phase
from kombel_events.regions import TimeZone
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.evidence_files import THUMBNAIL_CONTENT_TYPE
from kombel_runtime.pagination import Page, contains, keyset_page
from kombel_runtime.service import DbSession, Runtime
from sqlalchemy import and_, func, select

from activities.db.tables import activities
from activities.domain.access import require_reader
from activities.domain.activities import PlacedTime
from activities.schemas import (
    ActivityChanges,
    ActivityIn,
    ActivityOut,
    AttendanceIn,
    AttendanceOut,
    Attendee,
    EvidenceOut,
    Featuring,
)
from activities.services import activities as use
from activities.services import attendance, evidence
from activities.services.attendance_records import (
    MEMBERS_PRESENT,
    attendees_of,
    members_present,
)
from activities.services.communities import standing_in

router = APIRouter(tags=["activities"])


def activity_out(row: dict[str, Any], present: int) -> ActivityOut:
    placed = PlacedTime(row["starts_at"], TimeZone(row["timezone"]))
    return ActivityOut.model_validate(
        row
        | {
            "local_start": placed.local.isoformat(),
            "attendees": attendees_of(row, present),
        }
    )


@router.post(
    "/communities/{community_id}/activities",
    status_code=status.HTTP_201_CREATED,
    response_model=ActivityOut,
    summary="Catat kegiatan komunitas",
)
async def log_activity(
    community_id: UUID,
    body: ActivityIn,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    response: Response,
) -> ActivityOut:
    async with session.begin():
        row, present = await use.log_activity(
            session, runtime.source, principal, community_id, body
        )
    response.headers["Location"] = f"/activities/activities/{row['id']}"
    return activity_out(row, present)


@router.get(
    "/communities/{community_id}/activities",
    response_model=Page[ActivityOut],
    summary="Kegiatan sebuah komunitas, yang paling akhir dimulai lebih dulu",
)
async def list_activities(
    community_id: UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    phase: Phase | None = None,
    mode: Mode | None = None,
    from_: Annotated[date | None, Query(alias="from", description="Mulai tanggal (UTC)")] = None,
    to: Annotated[date | None, Query(description="Sampai tanggal, termasuk (UTC)")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> Page[ActivityOut]:
    async with session.begin():
        require_reader(await standing_in(session, principal, community_id))
        where = [activities.c.community_id == community_id]
        if phase:
            where.append(activities.c.phase == phase.value)
        if mode:
            where.append(activities.c.mode == mode.value)
        if from_:
            where.append(activities.c.starts_at >= datetime.combine(from_, time.min))
        if to:
            where.append(activities.c.starts_at <= datetime.combine(to, time.max))
        return await keyset_page(
            session,
            select(activities, MEMBERS_PRESENT).where(and_(*where)),
            (activities.c.starts_at, activities.c.id),
            limit=limit,
            cursor=cursor,
            item=lambda r: activity_out(r, r["members_present"]),
            parse=(datetime.fromisoformat, UUID),
            newest_first=True,
        )


@router.get("/activities/{activity_id}", response_model=ActivityOut, summary="Satu kegiatan")
async def get_activity(
    activity_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> ActivityOut:
    async with session.begin():
        row, _ = await use.readable_activity(session, principal, activity_id)
        return activity_out(row, await members_present(session, activity_id))


@router.patch("/activities/{activity_id}", response_model=ActivityOut, summary="Ubah kegiatan")
async def change_activity(
    activity_id: UUID,
    body: ActivityChanges,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> ActivityOut:
    async with session.begin():
        row, present = await use.change_activity(
            session, runtime.source, principal, activity_id, body
        )
        return activity_out(row, present)


@router.delete(
    "/activities/{activity_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Hapus kegiatan beserta kehadirannya",
)
async def delete_activity(
    activity_id: UUID, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> Response:
    async with session.begin():
        await use.delete_activity(session, runtime.source, principal, activity_id)
    await runtime.files.delete_prefix(evidence.activity_prefix(activity_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def evidence_out(row: dict[str, Any]) -> EvidenceOut:
    url = f"/activities/evidence/{row['id']}/file"
    return EvidenceOut.model_validate(
        row
        | {"url": url, "thumbnail_url": f"{url}?thumbnail=true" if row["has_thumbnail"] else None}
    )


def _attendance_out(row: dict[str, Any], people: list[dict[str, Any]]) -> AttendanceOut:
    return AttendanceOut(
        activity_id=row["id"],
        members=[Attendee.model_validate(p) for p in people],
        guest_names=row["guest_names"],
        guests=row["guests"],
        erased=row["erased_attendees"],
        attendees=attendees_of(row, len(people)),
    )


@router.get(
    "/activities/{activity_id}/attendance",
    response_model=AttendanceOut,
    summary="Kehadiran sebuah kegiatan",
)
async def get_attendance(
    activity_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> AttendanceOut:
    async with session.begin():
        row, people = await attendance.attendance_of(session, principal, activity_id)
    return _attendance_out(row, people)


@router.put(
    "/activities/{activity_id}/attendance",
    response_model=AttendanceOut,
    summary="Catat seluruh kehadiran (penggerak, koordinator, staf)",
)
async def record_attendance(
    activity_id: UUID,
    body: AttendanceIn,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> AttendanceOut:
    async with session.begin():
        await attendance.record_attendance(session, runtime.source, principal, activity_id, body)
        row, people = await attendance.attendance_of(session, principal, activity_id)
    return _attendance_out(row, people)


@router.post(
    "/activities/{activity_id}/attendance/me",
    response_model=AttendanceOut,
    summary="Tandai diri sendiri hadir (anggota, selama kegiatan dibuka)",
)
async def mark_present(
    activity_id: UUID, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> AttendanceOut:
    async with session.begin():
        await attendance.mark_present(session, runtime.source, principal, activity_id)
        row, people = await attendance.attendance_of(session, principal, activity_id)
    return _attendance_out(row, people)


@router.get(
    "/people/{person_id}/export",
    summary="Bagian kegiatan dari data pribadi seorang PTK (UU PDP)",
)
async def export_person(
    person_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> dict[str, Any]:
    async with session.begin():
        attended = await attendance.attendance_export(session, principal, person_id)
    return {
        "person_id": str(person_id),
        "attended": [
            {
                "activity_id": str(a["id"]),
                "community_id": str(a["community_id"]),
                "title": a["title"],
                "starts_at": a["starts_at"].isoformat(),
                "recorded_at": a["recorded_at"].isoformat(),
            }
            for a in attended
        ],
    }


@router.get(
    "/good-practices",
    response_model=Page[ActivityOut],
    summary="Cari praktik baik di wilayah Anda (staf)",
)
async def good_practices(
    principal: CurrentPrincipal,
    session: DbSession,
    q: Annotated[str | None, Query(max_length=100, description="Kata pada judul/ringkasan")] = None,
    kabkota: Annotated[str | None, Query(pattern=r"^\d{2}\.\d{2}$")] = None,
    phase: Phase | None = None,
    featured: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> Page[ActivityOut]:
    where = [use.good_practice_scope(principal), activities.c.good_practice.is_(True)]
    if q:
        words = activities.c.title + " " + func.coalesce(activities.c.good_practice_summary, "")
        where.append(words.ilike(contains(q)))
    if kabkota:
        where.append(activities.c.kabkota_code == kabkota)
    if phase:
        where.append(activities.c.phase == phase.value)
    if featured is not None:
        where.append(activities.c.featured.is_(featured))
    async with session.begin():
        return await keyset_page(
            session,
            select(activities, MEMBERS_PRESENT).where(and_(*where)),
            activities.c.id,
            limit=limit,
            cursor=cursor,
            item=lambda r: activity_out(r, r["members_present"]),
            parse=UUID,
            newest_first=True,
        )


@router.post(
    "/activities/{activity_id}/feature",
    response_model=ActivityOut,
    summary="Tampilkan (atau berhenti menampilkan) praktik baik (staf provinsi)",
)
async def feature_good_practice(
    activity_id: UUID, body: Featuring, principal: CurrentPrincipal, session: DbSession
) -> ActivityOut:
    async with session.begin():
        row = await use.feature(session, principal, activity_id, body.featured)
        return activity_out(row, await members_present(session, activity_id))


@router.post(
    "/activities/{activity_id}/evidence",
    status_code=status.HTTP_201_CREATED,
    response_model=EvidenceOut,
    summary="Lampirkan foto atau PDF sebagai bukti kegiatan (≤ 10 MB)",
)
async def attach_evidence(
    activity_id: UUID,
    file: UploadFile,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    response: Response,
) -> EvidenceOut:
    limit = runtime.settings.evidence_max_bytes
    data = await file.read(limit + 1)
    async with session.begin():
        row = await evidence.attach(
            session,
            runtime.source,
            runtime.files,
            principal,
            activity_id,
            data,
            file.filename or "bukti",
            limit,
        )
    response.headers["Location"] = evidence_out(row).url
    return evidence_out(row)


@router.get(
    "/activities/{activity_id}/evidence",
    response_model=list[EvidenceOut],
    summary="Bukti sebuah kegiatan",
)
async def list_evidence(
    activity_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> list[EvidenceOut]:
    async with session.begin():
        rows = await evidence.evidence_of(session, principal, activity_id)
    return [evidence_out(r) for r in rows]


@router.get(
    "/evidence/{evidence_id}/file",
    summary="Unduh bukti (atau gambar kecilnya)",
    response_class=Response,
    responses={
        200: {
            "content": {
                "image/jpeg": {},
                "image/png": {},
                "image/webp": {},
                "application/pdf": {},
            },
            "description": "Berkas bukti",
        }
    },
)
async def download_evidence(
    evidence_id: UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    thumbnail: bool = False,
) -> Response:
    async with session.begin():
        row = await evidence.readable_evidence(session, principal, evidence_id)
    key = evidence.file_key(row)
    if thumbnail and row["has_thumbnail"]:
        content, kind = await runtime.files.get(f"{key}/thumbnail"), THUMBNAIL_CONTENT_TYPE
    else:
        content, kind = await runtime.files.get(key), row["content_type"]
    return Response(
        content,
        media_type=kind,
        headers={
            # Never shown inline as a page, never guessed as another type, never cached by
            # a shared proxy: evidence is for the community and its staff.
            "Content-Disposition": f'attachment; filename="{row["id"]}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


@router.delete(
    "/evidence/{evidence_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Hapus bukti",
)
async def delete_evidence(
    evidence_id: UUID, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> Response:
    async with session.begin():
        await evidence.remove(session, runtime.files, principal, evidence_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
