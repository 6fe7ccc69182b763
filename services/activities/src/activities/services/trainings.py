"""Use cases of trainings (bimtek) and their sessions: schedule, read, change and cancel.

Each takes a session, the caller and a command, applies the rules of
`activities.domain.trainings`, writes, records its events in the outbox in the caller's
transaction, and returns the rows. Changes to a training and its sessions take the training's
row lock first, then the sessions' (in id order, as `seats` does), so two organisers cannot
hand out the same session code and a cancellation never crosses a registration.
"""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from kombel_events import IntegrationEvent
from kombel_events.trainings import (
    SessionCancelled,
    SessionChanged,
    SessionScheduled,
    TrainingCancelled,
    TrainingChanged,
    TrainingScheduled,
)
from kombel_runtime.auth import Principal, Role
from kombel_runtime.ids import uuid7
from kombel_runtime.outbox import record_events
from sqlalchemy import ColumnElement, exists, false, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import registrations, training_sessions, trainings
from activities.domain import trainings as rules
from activities.domain.trainings import Reach
from activities.services import seats
from activities.training_schemas import (
    SessionChanges,
    SessionIn,
    TrainingChanges,
    TrainingIn,
)

TRAINING_FIELDS = ("title", "organiser", "province_code", "audience", "registration_closes_at")
SESSION_FIELDS = (
    "code",
    "province_code",
    "kabkota_code",
    "venue",
    "starts_at",
    "ends_at",
    "timezone",
    "capacity",
)


def _training_state(row: dict[str, Any]) -> dict[str, Any]:
    return {"training_id": row["id"]} | {f: row[f] for f in TRAINING_FIELDS}


def _session_state(row: dict[str, Any]) -> dict[str, Any]:
    return {"training_id": row["training_id"], "session_id": row["id"]} | {
        f: row[f] for f in SESSION_FIELDS
    }


def visible_trainings(principal: Principal) -> ColumnElement[bool]:
    """The trainings a caller may list, as SQL (the twin of `rules.reach`)."""
    if Role.NATIONAL_ADMIN in principal.roles:
        return true()
    reachable: list[ColumnElement[bool]] = []
    if Role.PROVINCE_STAFF in principal.roles and principal.province:
        reachable.append(trainings.c.province_code == principal.province)
    if Role.DISTRICT_STAFF in principal.roles and principal.kabkota:
        reachable.append(
            exists().where(
                training_sessions.c.training_id == trainings.c.id,
                training_sessions.c.kabkota_code == principal.kabkota,
            )
        )
    if principal.person_id is not None:
        reachable.append(
            exists().where(
                registrations.c.training_id == trainings.c.id,
                registrations.c.person_id == principal.person_id,
            )
        )
    return or_(*reachable) if reachable else false()


async def reach_of(
    session: AsyncSession, principal: Principal, training_id: UUID, *, lock: bool = False
) -> tuple[dict[str, Any] | None, Reach | None]:
    """The training (locked, if asked) and how far the caller sees into it; (None, None)
    when there is no such training."""
    query = select(trainings).where(trainings.c.id == training_id)
    if lock:
        query = query.with_for_update()
    found = (await session.execute(query)).mappings().first()
    if found is None:
        return None, None
    row = dict(found)
    kabkotas: list[str] = []
    if principal.kabkota:
        kabkotas = list(
            (
                await session.execute(
                    select(training_sessions.c.kabkota_code)
                    .where(
                        training_sessions.c.training_id == training_id,
                        training_sessions.c.kabkota_code == principal.kabkota,
                    )
                    .limit(1)
                )
            ).scalars()
        )
    participant = False
    if principal.person_id is not None:
        participant = bool(
            await session.scalar(
                select(
                    exists().where(
                        registrations.c.training_id == training_id,
                        registrations.c.person_id == principal.person_id,
                    )
                )
            )
        )
    return row, rules.reach(principal, row["province_code"], kabkotas, participant)


async def readable_training(
    session: AsyncSession, principal: Principal, training_id: UUID, *, lock: bool = False
) -> tuple[dict[str, Any], Reach]:
    row, found = await reach_of(session, principal, training_id, lock=lock)
    reach = rules.require_reader(found)
    assert row is not None
    return row, reach


async def organised_training(
    session: AsyncSession, principal: Principal, training_id: UUID, *, scheduled: bool = True
) -> dict[str, Any]:
    """The training, locked, for one who organises it; still scheduled, unless told."""
    row, found = await reach_of(session, principal, training_id, lock=True)
    rules.require_organiser(found)
    assert row is not None
    if scheduled:
        rules.check_open(row)
    return row


async def sessions_of(session: AsyncSession, training_id: UUID) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(training_sessions)
        .where(training_sessions.c.training_id == training_id)
        .order_by(training_sessions.c.starts_at, training_sessions.c.code)
    )
    return [dict(r) for r in rows.mappings()]


async def schedule_training(
    session: AsyncSession, source: str, principal: Principal, command: TrainingIn
) -> dict[str, Any]:
    rules.require_may_organise(principal, command.province_code)
    rules.province_zone(command.province_code)
    now = datetime.now(UTC)
    row = command.model_dump() | {
        "id": uuid7(),
        "registration_closes_at": rules.closing_time(
            command.registration_closes_at, command.province_code, now
        ),
        "status": "scheduled",
        "cancel_reason": None,
        "created_by": principal.subject,
        "created_at": now,
        "updated_at": now,
    }
    await session.execute(trainings.insert().values(**row))
    await record_events(session, source, [TrainingScheduled(**_training_state(row))])
    return row


async def change_training(
    session: AsyncSession,
    source: str,
    principal: Principal,
    training_id: UUID,
    command: TrainingChanges,
) -> dict[str, Any]:
    row = await organised_training(session, principal, training_id)
    changes = command.model_dump(exclude_unset=True)
    if "registration_closes_at" in changes:
        changes["registration_closes_at"] = rules.closing_time(
            command.registration_closes_at, row["province_code"], datetime.now(UTC)
        )
    updated = row | changes
    if updated == row:
        return row
    updated["updated_at"] = datetime.now(UTC)
    await session.execute(
        update(trainings)
        .where(trainings.c.id == training_id)
        .values(**changes, updated_at=updated["updated_at"])
    )
    await record_events(session, source, [TrainingChanged(**_training_state(updated))])
    return updated


async def cancel_training(
    session: AsyncSession,
    source: str,
    principal: Principal,
    training_id: UUID,
    reason: str | None,
) -> dict[str, Any]:
    """The training, its sessions and their registrations are cancelled; cancelling again
    changes nothing."""
    row = await organised_training(session, principal, training_id, scheduled=False)
    if row["status"] == "cancelled":
        return row
    now = datetime.now(UTC)
    changes = {"status": "cancelled", "cancel_reason": reason, "updated_at": now}
    await session.execute(update(trainings).where(trainings.c.id == training_id).values(changes))
    events: list[IntegrationEvent] = [
        TrainingCancelled(training_id=training_id, cancelled_at=now, reason=reason)
    ]
    ids = (
        await session.execute(
            select(training_sessions.c.id).where(
                training_sessions.c.training_id == training_id,
                training_sessions.c.status == "scheduled",
            )
        )
    ).scalars()
    locked = await seats.lock_sessions(session, ids)
    said = _cancel_reason(rules.TRAINING_CANCELLED_REASON, reason)
    for place_of in locked.values():
        await _close(session, place_of, reason, said, events, now)
    await record_events(session, source, events)
    return row | changes


def _cancel_reason(what: str, reason: str | None) -> str:
    """What a participant is told: who cancelled, and why if the organiser said."""
    return f"{what}: {reason}" if reason else what


async def _close(
    session: AsyncSession,
    place_of: dict[str, Any],
    reason: str | None,
    said: str,
    events: list[IntegrationEvent],
    now: datetime,
) -> None:
    place_of.update(status="cancelled", cancel_reason=reason)
    events.append(
        SessionCancelled(
            training_id=place_of["training_id"],
            session_id=place_of["id"],
            cancelled_at=now,
            reason=reason,
        )
    )
    await seats.close(session, place_of, said, events, now)
    await session.execute(
        update(training_sessions)
        .where(training_sessions.c.id == place_of["id"])
        .values(status="cancelled", cancel_reason=reason)
    )
    await seats.save_counters(session, [place_of], now)


# Sessions


async def _codes(session: AsyncSession, training_id: UUID, *, but: UUID | None = None) -> set[str]:
    query = select(training_sessions.c.code).where(training_sessions.c.training_id == training_id)
    if but is not None:
        query = query.where(training_sessions.c.id != but)
    return set((await session.execute(query)).scalars())


async def schedule_session(
    session: AsyncSession,
    source: str,
    principal: Principal,
    training_id: UUID,
    command: SessionIn,
) -> dict[str, Any]:
    training = await organised_training(session, principal, training_id)
    rules.session_region(command.kabkota_code, training["province_code"])
    now = datetime.now(UTC)
    times = rules.session_times(command.starts_at, command.ends_at, command.kabkota_code, now)
    taken = await _codes(session, training_id)
    if command.code is not None:
        rules.check_code_free(command.code, taken)
    row = {
        "id": uuid7(),
        "training_id": training_id,
        "code": command.code or rules.session_code(command.kabkota_code, taken),
        "province_code": training["province_code"],
        "kabkota_code": command.kabkota_code,
        "venue": command.venue,
        "starts_at": times.start.utc,
        "ends_at": times.ends_at,
        "timezone": times.start.timezone.value,
        "capacity": command.capacity,
        "registered": 0,
        "waitlisted": 0,
        "checked_in": 0,
        "waitlist_seq": 0,
        "status": "scheduled",
        "cancel_reason": None,
        "created_at": now,
        "updated_at": now,
    }
    await session.execute(training_sessions.insert().values(**row))
    await record_events(session, source, [SessionScheduled(**_session_state(row))])
    return row


async def readable_session(
    session: AsyncSession, principal: Principal, training_id: UUID, session_id: UUID
) -> dict[str, Any]:
    await readable_training(session, principal, training_id)
    found = (
        (
            await session.execute(
                select(training_sessions).where(
                    training_sessions.c.id == session_id,
                    training_sessions.c.training_id == training_id,
                )
            )
        )
        .mappings()
        .first()
    )
    if found is None:
        raise rules.session_not_found()
    return dict(found)


async def _organised_session(
    session: AsyncSession,
    principal: Principal,
    training_id: UUID,
    session_id: UUID,
    *,
    scheduled: bool = True,
) -> dict[str, Any]:
    """The session's row, locked, for one who organises its training, which is locked first
    (and still scheduled, unless told)."""
    await organised_training(session, principal, training_id, scheduled=scheduled)
    place_of = (await seats.lock_sessions(session, [session_id])).get(session_id)
    if place_of is None or place_of["training_id"] != training_id:
        raise rules.session_not_found()
    return place_of


async def change_session(
    session: AsyncSession,
    source: str,
    principal: Principal,
    training_id: UUID,
    session_id: UUID,
    command: SessionChanges,
) -> dict[str, Any]:
    """The session as changed. More seats go to the waitlist, first in line first; fewer
    than are taken is refused."""
    place_of = await _organised_session(session, principal, training_id, session_id)
    rules.check_session_open(place_of)
    before = dict(place_of)
    now = datetime.now(UTC)
    changes: dict[str, Any] = command.model_dump(
        exclude_unset=True, exclude={"starts_at", "ends_at"}
    )
    if "code" in changes and changes["code"] != place_of["code"]:
        rules.check_code_free(changes["code"], await _codes(session, training_id, but=session_id))
    if {"starts_at", "ends_at"} & command.model_fields_set:
        times = rules.moved_times(
            place_of["starts_at"],
            place_of["ends_at"],
            command.starts_at,
            command.ends_at,
            place_of["kabkota_code"],
            now,
        )
        changes |= {"starts_at": times.start.utc, "ends_at": times.ends_at}
    promoted: list[IntegrationEvent] = []
    if "capacity" in changes:
        rules.check_capacity(changes["capacity"], place_of["registered"])
        place_of["capacity"] = changes["capacity"]
        await seats.promote(session, place_of, promoted, now)
    place_of |= changes
    if place_of == before:
        return place_of
    place_of["updated_at"] = now
    await session.execute(
        update(training_sessions).where(training_sessions.c.id == session_id).values(**changes)
    )
    await seats.save_counters(session, [place_of], now)
    events: list[IntegrationEvent] = [SessionChanged(**_session_state(place_of)), *promoted]
    await record_events(session, source, events)
    return place_of


async def cancel_session(
    session: AsyncSession,
    source: str,
    principal: Principal,
    training_id: UUID,
    session_id: UUID,
    reason: str | None,
) -> dict[str, Any]:
    """The session and its registrations are cancelled; cancelling again changes nothing."""
    place_of = await _organised_session(
        session, principal, training_id, session_id, scheduled=False
    )
    if place_of["status"] == "cancelled":
        return place_of
    events: list[IntegrationEvent] = []
    now = datetime.now(UTC)
    said = _cancel_reason(rules.SESSION_CANCELLED_REASON, reason)
    await _close(session, place_of, reason, said, events, now)
    await record_events(session, source, events)
    place_of["updated_at"] = now
    return place_of
