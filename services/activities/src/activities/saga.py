"""The registration saga, activities' side: membership's replies to `PersonRequested`.

A roster row whose person the platform did not know was seated without a person
(`saga = 'pending'`) and membership was asked for them, the registration's id as the request's.
Accepted, the registration names its person (`ParticipantLinked`); if that person meanwhile
holds another live place in the training (they registered themselves, or another row of a
roster found them), this one is cancelled as a duplicate, which frees its seat for the first
on the waitlist. Refused, the registration is cancelled with membership's reason, which the
import's errors.csv shows on the row. Only a pending registration moves, so a replayed reply
changes nothing.
"""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from kombel_events import IntegrationEvent
from kombel_events.person_requests import PersonRequestAccepted, PersonRequestRefused
from kombel_events.trainings import ParticipantLinked
from kombel_runtime.consumer import Received, Subscription
from kombel_runtime.outbox import record_events
from sqlalchemy import Integer, Text, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import registrations
from activities.imports.registrations import REQUESTED
from activities.services.seats import CANCELLED, REGISTERED, cancel, lock_sessions
from activities.services.seats import participant_event as participant

SOURCE = "/kombel/activities"
HELD_ALREADY = "Sudah terdaftar di pelatihan ini dengan pendaftaran lain"

_LINK = text(
    """
    UPDATE registrations r SET person_id = v.person_id, saga = 'linked', updated_at = now()
    FROM unnest(:ids, :people) AS v(id, person_id)
    WHERE r.id = v.id AND r.saga = 'pending'
    RETURNING r.id, r.training_id, r.session_id, r.person_id, r.kabkota_code,
              r.import_id, r.row_number
    """
).bindparams(
    bindparam("ids", type_=ARRAY(PG_UUID(as_uuid=True))),
    bindparam("people", type_=ARRAY(PG_UUID(as_uuid=True))),
)
_REFUSE = text(
    """
    UPDATE registrations SET saga = 'refused', updated_at = now()
    WHERE id = ANY(:ids) AND saga = 'pending'
    """
).bindparams(bindparam("ids", type_=ARRAY(PG_UUID(as_uuid=True))))
# A linked row is no longer kept for errors.csv: its cells are personal data.
_FORGET_ROWS = text(
    """
    DELETE FROM import_rows r USING unnest(:imports, :numbers) AS v(import_id, row_number)
    WHERE r.import_id = v.import_id AND r.row_number = v.row_number AND r.outcome = :requested
    """
).bindparams(
    bindparam("imports", type_=ARRAY(PG_UUID(as_uuid=True))),
    bindparam("numbers", type_=ARRAY(Integer)),
)
# A refused row joins the import's errors.csv with membership's reason; without its cells
# if they are no longer kept (past retention, or its person erased).
_REJECT_ROWS = text(
    """
    INSERT INTO import_rows (import_id, row_number, cells, outcome, note)
    SELECT v.import_id, v.row_number, CAST('[]' AS json), 'rejected', v.note
    FROM unnest(:imports, :numbers, :notes) AS v(import_id, row_number, note)
    JOIN imports i ON i.id = v.import_id
    ON CONFLICT (import_id, row_number) DO UPDATE
    SET outcome = 'rejected', note = excluded.note
    """
).bindparams(
    bindparam("imports", type_=ARRAY(PG_UUID(as_uuid=True))),
    bindparam("numbers", type_=ARRAY(Integer)),
    bindparam("notes", type_=ARRAY(Text)),
)


async def _pending(session: AsyncSession, ids: Sequence[UUID]) -> list[dict[str, Any]]:
    """The registrations still waiting for these requests, the best placed first (a seat,
    then the earlier waitlist place, then the earlier row, then the earlier reply): of two
    that turn out to be one person, the first is kept. Not locked here: seats lock a session
    before its registrations, and the writes below are guarded by `saga = 'pending'`."""
    rows = await session.execute(
        select(registrations).where(registrations.c.id.in_(ids), registrations.c.saga == "pending")
    )
    order = {request_id: n for n, request_id in enumerate(ids)}
    return sorted(
        (dict(r) for r in rows.mappings()),
        key=lambda r: (
            r["status"] != REGISTERED,
            r["status"] == CANCELLED,
            r["waitlist_seq"] or 0,
            r["row_number"] or 0,
            order[r["id"]],
        ),
    )


async def _places_held(
    session: AsyncSession, people: set[UUID], trainings: set[UUID]
) -> set[tuple[UUID, UUID]]:
    """(training, person) of every live registration of these people in these trainings."""
    rows = await session.execute(
        select(registrations.c.training_id, registrations.c.person_id).where(
            registrations.c.person_id.in_(people),
            registrations.c.training_id.in_(trainings),
            registrations.c.status != CANCELLED,
        )
    )
    return {(training_id, person_id) for training_id, person_id in rows.tuples()}


async def link_people(
    session: AsyncSession, received: Sequence[Received[PersonRequestAccepted]]
) -> None:
    person_of = {r.event.request_id: r.event.person_id for r in received}
    pending = await _pending(session, list(person_of))
    if not pending:
        return
    held = await _places_held(
        session, {person_of[r["id"]] for r in pending}, {r["training_id"] for r in pending}
    )
    events: list[IntegrationEvent] = []
    repeats = []
    for row in pending:
        place = (row["training_id"], person_of[row["id"]])
        if place in held:
            repeats.append(row)
        elif row["status"] != CANCELLED:
            held.add(place)
    # Sessions in id order, as seats take them, before any one of them is changed.
    await lock_sessions(session, {r["session_id"] for r in repeats})
    for row in repeats:
        await cancel(session, row["id"], HELD_ALREADY, events)
    linked = (
        (
            await session.execute(
                _LINK,
                {
                    "ids": [r["id"] for r in pending],
                    "people": [person_of[r["id"]] for r in pending],
                },
            )
        )
        .mappings()
        .all()
    )
    events += [participant(ParticipantLinked, row) for row in linked]
    rows = [r for r in linked if r["import_id"] is not None]
    if rows:
        await session.execute(
            _FORGET_ROWS,
            {
                "imports": [r["import_id"] for r in rows],
                "numbers": [r["row_number"] for r in rows],
                "requested": REQUESTED,
            },
        )
    await record_events(session, SOURCE, events)


async def cancel_refused(
    session: AsyncSession, received: Sequence[Received[PersonRequestRefused]]
) -> None:
    reason_of = {r.event.request_id: r.event.reason for r in received}
    pending = await _pending(session, list(reason_of))
    if not pending:
        return
    events: list[IntegrationEvent] = []
    # Sessions in id order, as seats take them, before any one of them is changed.
    await lock_sessions(session, {r["session_id"] for r in pending})
    for row in pending:
        await cancel(session, row["id"], reason_of[row["id"]], events)
    await session.execute(_REFUSE, {"ids": [r["id"] for r in pending]})
    rows = [r for r in pending if r["import_id"] is not None]
    if rows:
        await session.execute(
            _REJECT_ROWS,
            {
                "imports": [r["import_id"] for r in rows],
                "numbers": [r["row_number"] for r in rows],
                "notes": [
                    f"Pendaftaran dibatalkan, PTK tidak dapat didaftarkan: {reason_of[r['id']]}"
                    for r in rows
                ],
            },
        )
    await record_events(session, SOURCE, events)


def person_reply_subscriptions() -> list[Subscription]:
    return [
        Subscription(PersonRequestAccepted, link_people),
        Subscription(PersonRequestRefused, cancel_refused),
    ]
