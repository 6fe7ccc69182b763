"""Seats and waitlists of training sessions: the one place that decides who sits.

Every change of a session's seats takes the session's row lock first (`FOR UPDATE`), reads its
counters, decides in arrival order, writes the registrations and the counters, and records the
events (a seat's carries its signed ticket, for the confirmation), all in the caller's
transaction. Requests for the same session therefore queue on the
lock, so no session is ever overbooked and the waitlist keeps the order in which requests took
the lock. Sessions are locked in id order, so a roster chunk that touches many sessions cannot
deadlock with another.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from kombel_events import IntegrationEvent
from kombel_events.trainings import (
    ParticipantCancelled,
    ParticipantPromoted,
    ParticipantRegistered,
    ParticipantWaitlisted,
    RegistrationStatus,
)
from kombel_runtime.bulk import copy_records
from kombel_runtime.errors import Conflict
from kombel_runtime.ids import uuid7
from sqlalchemy import ColumnElement, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from activities.db.tables import registrations, training_sessions
from activities.services.signing_keys import keyring

REGISTERED = RegistrationStatus.REGISTERED.value
WAITLISTED = RegistrationStatus.WAITLISTED.value
CANCELLED = RegistrationStatus.CANCELLED.value
# From this many registrations on, rows go in with COPY rather than INSERT.
COPY_FROM = 50


@dataclass
class SeatRequest:
    """A registration to place in a session."""

    session_id: UUID
    person_id: UUID | None
    created_by: str
    identity_digests: list[bytes] | None = None
    saga: str | None = None  # "pending" while membership creates the person
    import_id: UUID | None = None
    row_number: int | None = None
    id: UUID = field(default_factory=uuid7)


@dataclass(frozen=True)
class Placement:
    id: UUID
    session_id: UUID
    person_id: UUID | None
    status: str  # registered | waitlisted
    waitlist_position: int | None


class SessionClosed(Conflict):
    def __init__(self) -> None:
        super().__init__("session_cancelled", "Sesi ini sudah dibatalkan.")


async def lock_sessions(session: AsyncSession, ids: Iterable[UUID]) -> dict[UUID, dict[str, Any]]:
    """The sessions' rows, locked until the transaction ends, in id order."""
    rows = await session.execute(
        select(training_sessions)
        .where(training_sessions.c.id.in_(sorted(set(ids))))
        .order_by(training_sessions.c.id)
        .with_for_update()
    )
    return {row["id"]: dict(row) for row in rows.mappings()}


def participant_event(kind: type[Any], registration: Any, **extra: Any) -> Any:
    """An event of one participant (`kind`), built from their registration row."""
    return kind(
        training_id=registration["training_id"],
        session_id=registration["session_id"],
        registration_id=registration["id"],
        person_id=registration["person_id"],
        kabkota_code=registration["kabkota_code"],
        **extra,
    )


def _cancelled(registration: Any, previous_status: str, reason: str | None) -> Any:
    return participant_event(
        ParticipantCancelled,
        registration,
        previous_status=RegistrationStatus(previous_status),
        reason=reason,
    )


async def place(
    session: AsyncSession,
    requests: Sequence[SeatRequest],
    events: list[IntegrationEvent],
) -> list[Placement]:
    """Seats for the requests, in their order, while a session has them; then places on its
    waitlist. The caller has checked the people and the sessions' training; a cancelled
    session refuses (`session_cancelled`)."""
    if not requests:
        return []
    sessions = await lock_sessions(session, (r.session_id for r in requests))
    keys = await keyring(session)
    now = datetime.now(UTC)
    records: list[dict[str, Any]] = []
    placements: list[Placement] = []
    for request in requests:
        place_of = sessions[request.session_id]
        if place_of["status"] != "scheduled":
            raise SessionClosed
        if place_of["registered"] < place_of["capacity"]:
            place_of["registered"] += 1
            status, seq, position = REGISTERED, None, None
        else:
            place_of["waitlisted"] += 1
            place_of["waitlist_seq"] += 1
            status, seq, position = WAITLISTED, place_of["waitlist_seq"], place_of["waitlisted"]
        record = {
            "id": request.id,
            "training_id": place_of["training_id"],
            "session_id": request.session_id,
            "person_id": request.person_id,
            "kabkota_code": place_of["kabkota_code"],
            "status": status,
            "first_status": status,
            "waitlist_seq": seq,
            "identity_digests": request.identity_digests,
            "saga": request.saga,
            "import_id": request.import_id,
            "row_number": request.row_number,
            "created_by": request.created_by,
            "created_at": now,
            "updated_at": now,
        }
        records.append(record)
        placements.append(
            Placement(request.id, request.session_id, request.person_id, status, position)
        )
        if status == REGISTERED:
            ticket = keys.sign(request.id, request.session_id)
            events.append(participant_event(ParticipantRegistered, record, ticket=ticket))
        else:
            events.append(
                participant_event(ParticipantWaitlisted, record, waitlist_position=position)
            )
    if len(records) >= COPY_FROM:
        await copy_records(session, registrations.name, records)
    else:
        await session.execute(registrations.insert(), records)
    await save_counters(session, sessions.values(), now)
    return placements


async def save_counters(
    session: AsyncSession, sessions: Iterable[dict[str, Any]], now: datetime
) -> None:
    """Write the locked sessions' counters as `place_of` rows now hold them."""
    for row in sessions:
        await session.execute(
            update(training_sessions)
            .where(training_sessions.c.id == row["id"])
            .values(
                registered=row["registered"],
                waitlisted=row["waitlisted"],
                checked_in=row["checked_in"],
                waitlist_seq=row["waitlist_seq"],
                updated_at=now,
            )
        )


async def promote(
    session: AsyncSession,
    place_of: dict[str, Any],
    events: list[IntegrationEvent],
    now: datetime,
) -> int:
    """Fill the locked session's free seats from the head of its waitlist; returns how many
    were promoted. `place_of` is the session's locked row, updated in place (not saved)."""
    free = place_of["capacity"] - place_of["registered"]
    if free <= 0 or place_of["waitlisted"] <= 0 or place_of["status"] != "scheduled":
        return 0
    head = (
        select(registrations.c.id)
        .where(
            registrations.c.session_id == place_of["id"],
            registrations.c.status == WAITLISTED,
        )
        .order_by(registrations.c.waitlist_seq)
        .limit(free)
    )
    promoted = (
        await session.execute(
            update(registrations)
            .where(registrations.c.id.in_(head.scalar_subquery()))
            .values(status=REGISTERED, promoted_at=now, updated_at=now)
            .returning(*registrations.c)
        )
    ).mappings()
    count = 0
    keys = await keyring(session)
    for row in sorted(promoted, key=lambda r: r["waitlist_seq"]):
        ticket = keys.sign(row["id"], row["session_id"])
        events.append(participant_event(ParticipantPromoted, row, ticket=ticket))
        count += 1
    place_of["registered"] += count
    place_of["waitlisted"] -= count
    return count


async def cancel(
    session: AsyncSession,
    registration_id: UUID,
    reason: str | None,
    events: list[IntegrationEvent],
) -> dict[str, Any] | None:
    """Cancel one registration; a freed seat goes to the first on the waitlist, once.

    Returns the registration's row as it stands after; None if there is no such
    registration. Cancelling what is already cancelled changes nothing (and promotes no one).
    """
    session_id = await session.scalar(
        select(registrations.c.session_id).where(registrations.c.id == registration_id)
    )
    if session_id is None:
        return None
    sessions = await lock_sessions(session, [session_id])
    place_of = sessions[session_id]
    now = datetime.now(UTC)
    current = (
        (
            await session.execute(
                select(registrations).where(registrations.c.id == registration_id).with_for_update()
            )
        )
        .mappings()
        .one()
    )
    if current["status"] == CANCELLED:
        return dict(current)
    after = (
        (
            await session.execute(
                update(registrations)
                .where(registrations.c.id == registration_id)
                .values(status=CANCELLED, cancelled_at=now, cancel_reason=reason, updated_at=now)
                .returning(*registrations.c)
            )
        )
        .mappings()
        .one()
    )
    events.append(_cancelled(after, current["status"], reason))
    if current["status"] == REGISTERED:
        place_of["registered"] -= 1
        if current["checked_in_at"] is not None:
            place_of["checked_in"] -= 1
        await promote(session, place_of, events, now)
    else:
        place_of["waitlisted"] -= 1
    await save_counters(session, [place_of], now)
    return dict(after)


async def close(
    session: AsyncSession,
    place_of: dict[str, Any],
    reason: str | None,
    events: list[IntegrationEvent],
    now: datetime,
) -> int:
    """Cancel every live registration of the locked session, which is being cancelled: no one
    is promoted, and its counters go to zero. `place_of` is the session's locked row, updated
    in place (not saved); returns how many registrations were cancelled."""
    live = (
        select(registrations.c.id, registrations.c.status)
        .where(
            registrations.c.session_id == place_of["id"],
            registrations.c.status.in_((REGISTERED, WAITLISTED)),
        )
        .with_for_update()
        .cte("live")
    )
    cancelled = (
        await session.execute(
            update(registrations)
            .where(registrations.c.id == live.c.id)
            .values(status=CANCELLED, cancelled_at=now, cancel_reason=reason, updated_at=now)
            .returning(*registrations.c, live.c.status.label("previous_status"))
        )
    ).mappings()
    count = 0
    for row in sorted(cancelled, key=lambda r: r["id"]):
        events.append(_cancelled(row, row["previous_status"], reason))
        count += 1
    place_of.update(registered=0, waitlisted=0, checked_in=0)
    return count


def waitlist_position_column() -> ColumnElement[Any]:
    """Where each waitlisted registration of a query on `registrations` stands now, as SQL:
    1 is next in line; None for the others."""
    ahead = aliased(registrations)
    count = (
        select(func.count())
        .where(
            ahead.c.session_id == registrations.c.session_id,
            ahead.c.status == WAITLISTED,
            ahead.c.waitlist_seq < registrations.c.waitlist_seq,
        )
        .scalar_subquery()
    )
    return case((registrations.c.status == WAITLISTED, count + 1), else_=None).label(
        "waitlist_position"
    )


async def waitlist_position(session: AsyncSession, registration: dict[str, Any]) -> int | None:
    """Where a waitlisted registration stands now: 1 is next in line."""
    if registration["status"] != WAITLISTED:
        return None
    position: int | None = await session.scalar(
        select(waitlist_position_column()).where(registrations.c.id == registration["id"])
    )
    return position
