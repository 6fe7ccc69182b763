"""`/activities/trainings` and `/activities/registrations`: trainings (bimtek), their sessions
and their participants. Routes parse, call the use case, and map its result to the response."""

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from kombel_events.regions import TimeZone
from kombel_events.trainings import RegistrationStatus
from kombel_runtime.auth import CurrentPrincipal
from kombel_runtime.pagination import Page, keyset_page
from kombel_runtime.service import DbSession, Runtime
from sqlalchemy import and_, select

from activities.db.tables import registrations, trainings
from activities.domain import trainings as rules
from activities.domain.activities import PlacedTime
from activities.services import registrations as enrolment
from activities.services import trainings as use
from activities.services.signing_keys import ticket_of
from activities.training_schemas import (
    Cancellation,
    RegistrationDetail,
    RegistrationIn,
    RegistrationItem,
    RegistrationOut,
    SessionChanges,
    SessionIn,
    SessionOut,
    TrainingChanges,
    TrainingDetail,
    TrainingIn,
    TrainingOut,
)

router = APIRouter(tags=["trainings"])

_CONFLICTS: dict[int | str, dict[str, Any]] = {
    409: {"description": "Pelatihan atau sesi sudah dibatalkan, atau bentrok dengan data kini"}
}


def session_out(row: dict[str, Any]) -> SessionOut:
    zone = TimeZone(row["timezone"])
    return SessionOut.model_validate(
        row
        | {
            "kabkota_name": rules.region_name(row["kabkota_code"]),
            "local_start": PlacedTime(row["starts_at"], zone).local.isoformat(),
            "local_end": PlacedTime(row["ends_at"], zone).local.isoformat(),
            "seats_left": rules.seats_left(row),
        }
    )


def _training_fields(row: dict[str, Any]) -> dict[str, Any]:
    zone = rules.province_zone(row["province_code"])
    closes = row["registration_closes_at"]
    return row | {
        "timezone": zone.value,
        "local_registration_closes_at": (
            PlacedTime(closes, zone).local.isoformat() if closes is not None else None
        ),
        "registration_open": rules.registration_open(row),
    }


def training_out(row: dict[str, Any]) -> TrainingOut:
    return TrainingOut.model_validate(_training_fields(row))


def training_detail(row: dict[str, Any], sessions: list[dict[str, Any]]) -> TrainingDetail:
    return TrainingDetail.model_validate(
        _training_fields(row) | {"sessions": [session_out(s) for s in sessions]}
    )


def registration_out(row: dict[str, Any]) -> RegistrationOut:
    return RegistrationOut.model_validate(row)


@router.post(
    "/trainings",
    status_code=status.HTTP_201_CREATED,
    response_model=TrainingDetail,
    summary="Jadwalkan pelatihan (bimtek) di provinsi Anda",
)
async def schedule_training(
    body: TrainingIn,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    response: Response,
) -> TrainingDetail:
    async with session.begin():
        row = await use.schedule_training(session, runtime.source, principal, body)
    response.headers["Location"] = f"/activities/trainings/{row['id']}"
    return training_detail(row, [])


@router.get(
    "/trainings",
    response_model=Page[TrainingOut],
    summary="Pelatihan yang terjangkau oleh Anda, yang terbaru lebih dulu",
)
async def list_trainings(
    principal: CurrentPrincipal,
    session: DbSession,
    status: Literal["scheduled", "cancelled"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> Page[TrainingOut]:
    where = [use.visible_trainings(principal)]
    if status is not None:
        where.append(trainings.c.status == status)
    async with session.begin():
        return await keyset_page(
            session,
            select(trainings).where(and_(*where)),
            trainings.c.id,
            limit=limit,
            cursor=cursor,
            item=training_out,
            parse=UUID,
            newest_first=True,
        )


@router.get(
    "/trainings/{training_id}",
    response_model=TrainingDetail,
    summary="Satu pelatihan dengan sesi-sesinya dan jumlah pesertanya",
)
async def get_training(
    training_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> TrainingDetail:
    async with session.begin():
        row, _ = await use.readable_training(session, principal, training_id)
        return training_detail(row, await use.sessions_of(session, training_id))


@router.patch(
    "/trainings/{training_id}",
    response_model=TrainingDetail,
    summary="Ubah pelatihan (penyelenggara)",
    responses=_CONFLICTS,
)
async def change_training(
    training_id: UUID,
    body: TrainingChanges,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> TrainingDetail:
    async with session.begin():
        row = await use.change_training(session, runtime.source, principal, training_id, body)
        return training_detail(row, await use.sessions_of(session, training_id))


@router.post(
    "/trainings/{training_id}/cancel",
    response_model=TrainingDetail,
    summary="Batalkan pelatihan, semua sesinya dan pendaftarannya (penyelenggara)",
)
async def cancel_training(
    training_id: UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    body: Cancellation | None = None,
) -> TrainingDetail:
    reason = body.reason if body else None
    async with session.begin():
        row = await use.cancel_training(session, runtime.source, principal, training_id, reason)
        return training_detail(row, await use.sessions_of(session, training_id))


@router.post(
    "/trainings/{training_id}/sessions",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionOut,
    summary="Tambah sesi di satu kabupaten/kota (penyelenggara)",
)
async def schedule_session(
    training_id: UUID,
    body: SessionIn,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    response: Response,
) -> SessionOut:
    async with session.begin():
        row = await use.schedule_session(session, runtime.source, principal, training_id, body)
    response.headers["Location"] = f"/activities/trainings/{training_id}/sessions/{row['id']}"
    return session_out(row)


@router.get(
    "/trainings/{training_id}/sessions/{session_id}",
    response_model=SessionOut,
    summary="Satu sesi dengan jumlah pesertanya",
)
async def get_session(
    training_id: UUID, session_id: UUID, principal: CurrentPrincipal, session: DbSession
) -> SessionOut:
    async with session.begin():
        return session_out(await use.readable_session(session, principal, training_id, session_id))


@router.patch(
    "/trainings/{training_id}/sessions/{session_id}",
    response_model=SessionOut,
    summary="Ubah sesi; kapasitas yang bertambah diisi dari daftar tunggu (penyelenggara)",
    responses=_CONFLICTS,
)
async def change_session(
    training_id: UUID,
    session_id: UUID,
    body: SessionChanges,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
) -> SessionOut:
    async with session.begin():
        row = await use.change_session(
            session, runtime.source, principal, training_id, session_id, body
        )
    return session_out(row)


@router.post(
    "/trainings/{training_id}/sessions/{session_id}/cancel",
    response_model=SessionOut,
    summary="Batalkan sesi beserta pendaftarannya (penyelenggara)",
)
async def cancel_session(
    training_id: UUID,
    session_id: UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    body: Cancellation | None = None,
) -> SessionOut:
    reason = body.reason if body else None
    async with session.begin():
        row = await use.cancel_session(
            session, runtime.source, principal, training_id, session_id, reason
        )
    return session_out(row)


@router.post(
    "/trainings/{training_id}/registrations",
    status_code=status.HTTP_201_CREATED,
    response_model=RegistrationOut,
    summary="Daftarkan seseorang di satu sesi: kursi, atau tempat di daftar tunggu",
)
async def register(
    training_id: UUID,
    body: RegistrationIn,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    response: Response,
) -> RegistrationOut:
    async with session.begin():
        row = await enrolment.register(session, runtime.source, principal, training_id, body)
    response.headers["Location"] = f"/activities/registrations/{row['id']}"
    return registration_out(row)


@router.get(
    "/trainings/{training_id}/registrations",
    response_model=Page[RegistrationItem],
    summary="Pendaftaran sebuah pelatihan, menurut urutan daftar",
)
async def list_registrations(
    training_id: UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    session_id: UUID | None = None,
    status: RegistrationStatus | None = None,
    kabkota: Annotated[str | None, Query(pattern=r"^\d{2}\.\d{2}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: str | None = None,
) -> Page[RegistrationItem]:
    async with session.begin():
        query = await enrolment.registration_list(
            session, principal, training_id, session_id=session_id, status=status, kabkota=kabkota
        )
        return await keyset_page(
            session,
            query,
            registrations.c.id,
            limit=limit,
            cursor=cursor,
            item=RegistrationItem.model_validate,
            parse=UUID,
        )


@router.get(
    "/registrations/{registration_id}",
    response_model=RegistrationDetail,
    summary="Satu pendaftaran, dengan posisinya kini di daftar tunggu dan tiketnya",
)
async def get_registration(
    registration_id: UUID, principal: CurrentPrincipal, session: DbSession, runtime: Runtime
) -> RegistrationDetail:
    async with session.begin():
        row = await enrolment.readable_registration(session, principal, registration_id)
    ticket = await ticket_of(session, runtime.settings, row)
    return RegistrationDetail.model_validate(row | {"ticket": ticket})


@router.post(
    "/registrations/{registration_id}/cancel",
    response_model=RegistrationOut,
    summary="Batalkan pendaftaran; kursinya untuk yang pertama di daftar tunggu",
)
async def cancel_registration(
    registration_id: UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    runtime: Runtime,
    body: Cancellation | None = None,
) -> RegistrationOut:
    reason = body.reason if body else None
    async with session.begin():
        row = await enrolment.cancel_registration(
            session, runtime.source, principal, registration_id, reason
        )
    return registration_out(row)
