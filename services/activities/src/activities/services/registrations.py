"""Use cases of a training's registrations: register a person at a session (a seat, or a place
on its waitlist), read one, list them, cancel one.

Seats are decided by `activities.services.seats` alone, under the session's row lock, so a
registration made here, by a roster import or by the saga is one code path. A person holds one
live registration per training: checked first, and guarded by a unique index against two
requests at once, whose loser gets the same `already_registered` answer.
"""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from kombel_events import IntegrationEvent
from kombel_events.trainings import RegistrationStatus
from kombel_runtime.auth import Principal
from kombel_runtime.errors import Conflict, Forbidden, Invalid, is_unique_violation
from kombel_runtime.outbox import record_events
from sqlalchemy import Select, and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import registrations, replica_people, training_sessions
from activities.domain import trainings as rules
from activities.domain.trainings import Reach
from activities.services import seats
from activities.services.trainings import reach_of
from activities.training_schemas import RegistrationIn


def already_registered(existing_id: UUID) -> Conflict:
    return Conflict(
        "already_registered",
        "Orang ini sudah terdaftar di pelatihan ini. Satu orang satu pendaftaran per pelatihan.",
        details=[{"code": "already_registered", "existing_id": str(existing_id)}],
    )


def person_unknown() -> Invalid:
    return Invalid(
        "person_unknown",
        "Orang ini tidak dikenal, tidak aktif, atau di luar wilayah kewenangan Anda.",
        details=[{"field": "person_id", "code": "person_unknown"}],
    )


async def _live_registration(
    session: AsyncSession, training_id: UUID, person_id: UUID
) -> UUID | None:
    found: UUID | None = await session.scalar(
        select(registrations.c.id).where(
            registrations.c.training_id == training_id,
            registrations.c.person_id == person_id,
            registrations.c.status != seats.CANCELLED,
        )
    )
    return found


async def _active_person(session: AsyncSession, person_id: UUID) -> dict[str, Any] | None:
    found = (
        (
            await session.execute(
                select(replica_people).where(
                    replica_people.c.id == person_id, replica_people.c.status == "active"
                )
            )
        )
        .mappings()
        .first()
    )
    return dict(found) if found else None


async def _registration(session: AsyncSession, registration_id: UUID) -> dict[str, Any]:
    found = (
        (await session.execute(select(registrations).where(registrations.c.id == registration_id)))
        .mappings()
        .one()
    )
    return dict(found)


async def register(
    session: AsyncSession,
    source: str,
    principal: Principal,
    training_id: UUID,
    command: RegistrationIn,
) -> dict[str, Any]:
    """The new registration with its `waitlist_position`: staff register people of their area
    at a session they reach, a teacher themselves at any session."""
    training, found = await reach_of(session, principal, training_id)
    itself = principal.person_id is not None and principal.person_id == command.person_id
    if training is None or (found is None and not itself):
        raise rules.training_not_found()
    place_of = (
        (
            await session.execute(
                select(training_sessions).where(
                    training_sessions.c.id == command.session_id,
                    training_sessions.c.training_id == training_id,
                )
            )
        )
        .mappings()
        .first()
    )
    if place_of is None:
        raise Invalid(
            "session_unknown",
            "Sesi ini bukan sesi pelatihan tersebut.",
            details=[{"field": "session_id", "code": "session_unknown"}],
        )
    if not itself and not rules.may_register(principal, found, place_of["kabkota_code"]):
        raise Forbidden(
            "forbidden",
            "Staf kabupaten/kota mendaftarkan peserta hanya di sesi wilayahnya; penyelenggara "
            "di sesi mana pun.",
        )
    rules.check_registration_open(training, datetime.now(UTC))
    rules.check_session_open(dict(place_of))
    person = await _active_person(session, command.person_id)
    if person is None or (not itself and not rules.person_in_scope(principal, person)):
        raise person_unknown()
    existing = await _live_registration(session, training_id, command.person_id)
    if existing is not None:
        raise already_registered(existing)
    events: list[IntegrationEvent] = []
    request = seats.SeatRequest(command.session_id, command.person_id, principal.subject)
    try:
        async with session.begin_nested():
            (placed,) = await seats.place(session, [request], events)
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        # The same person at the same time from another request, which won the index.
        existing = await _live_registration(session, training_id, command.person_id)
        if existing is None:
            raise
        raise already_registered(existing) from None
    await record_events(session, source, events)
    return await _registration(session, placed.id) | {"waitlist_position": placed.waitlist_position}


async def readable_registration(
    session: AsyncSession, principal: Principal, registration_id: UUID
) -> dict[str, Any]:
    """The registration with its current `waitlist_position`, for the staff who reach it and
    the person registered."""
    found = (
        (await session.execute(select(registrations).where(registrations.c.id == registration_id)))
        .mappings()
        .first()
    )
    if found is None:
        raise rules.registration_not_found()
    row = dict(found)
    if not rules.sees_registration(principal, row["kabkota_code"], row["person_id"]):
        raise rules.registration_not_found()
    return row | {"waitlist_position": await seats.waitlist_position(session, row)}


async def cancel_registration(
    session: AsyncSession,
    source: str,
    principal: Principal,
    registration_id: UUID,
    reason: str | None,
) -> dict[str, Any]:
    """Cancelled; a freed seat goes to the first on the waitlist, once. Cancelling again
    changes nothing and answers the registration as it is."""
    row = await readable_registration(session, principal, registration_id)
    itself = principal.person_id is not None and principal.person_id == row["person_id"]
    said = reason or (rules.CANCELLED_BY_PARTICIPANT if itself else rules.CANCELLED_BY_STAFF)
    events: list[IntegrationEvent] = []
    after = await seats.cancel(session, registration_id, said, events)
    assert after is not None
    await record_events(session, source, events)
    return after | {"waitlist_position": None}


async def registration_list(
    session: AsyncSession,
    principal: Principal,
    training_id: UUID,
    *,
    session_id: UUID | None = None,
    status: RegistrationStatus | None = None,
    kabkota: str | None = None,
) -> Select[Any]:
    """The registrations of a training the caller may list, filtered: organisers all,
    district staff those of their kabupaten/kota's sessions."""
    _, found = await reach_of(session, principal, training_id)
    reach = rules.require_reader(found)
    where = [registrations.c.training_id == training_id]
    if reach is Reach.DISTRICT:
        where.append(registrations.c.kabkota_code == principal.kabkota)
    elif reach is not Reach.ORGANISER:
        raise Forbidden(
            "forbidden", "Daftar peserta untuk penyelenggara dan staf kabupaten/kota sesinya."
        )
    if session_id is not None:
        where.append(registrations.c.session_id == session_id)
    if status is not None:
        where.append(registrations.c.status == status.value)
    if kabkota is not None:
        where.append(registrations.c.kabkota_code == kabkota)
    return (
        select(
            registrations.c.id,
            registrations.c.person_id,
            registrations.c.session_id,
            registrations.c.kabkota_code,
            registrations.c.status,
            registrations.c.checked_in_at,
            replica_people.c.full_name,
            seats.waitlist_position_column(),
        )
        .outerjoin(replica_people, replica_people.c.id == registrations.c.person_id)
        .where(and_(*where))
    )
