"""The saga's replies handled as the consumer hands them over: an accepted person links the
registration, or cancels it when the person already holds a place in the training; a refused
one cancels it with the reason and promotes the first on the waitlist; a replayed reply
changes nothing."""

import uuid
from collections.abc import Sequence
from typing import Any

import pytest
from activities.db.tables import import_tables, registrations
from activities.saga import HELD_ALREADY, cancel_refused, link_people
from activities.services.seats import SeatRequest, place
from kombel_events import IntegrationEvent
from kombel_events.person_requests import PersonRequestAccepted, PersonRequestRefused
from kombel_runtime.consumer import Received
from kombel_runtime.messaging_tables import outbox
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..roster_fixtures import a_training, envelope_of

pytestmark = pytest.mark.infra


def received(*events: IntegrationEvent) -> list[Received[Any]]:
    return [Received(envelope_of(e), e) for e in events]


async def seated(
    session: AsyncSession, session_id: uuid.UUID, people: Sequence[uuid.UUID | None]
) -> list[uuid.UUID]:
    """Registrations in the order given: a person, or a roster row awaiting its person."""
    requests = [
        SeatRequest(session_id, p, "staf", saga=None if p else "pending", identity_digests=[b"x"])
        for p in people
    ]
    async with session.begin():
        await place(session, requests, [])
    return [r.id for r in requests]


async def states(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[tuple[Any, ...]]:
    async with session.begin():
        rows = (
            await session.execute(
                select(
                    registrations.c.id,
                    registrations.c.status,
                    registrations.c.saga,
                    registrations.c.person_id,
                    registrations.c.cancel_reason,
                ).where(registrations.c.id.in_(ids))
            )
        ).all()
    by_id = {row[0]: tuple(row[1:]) for row in rows}
    return [by_id[i] for i in ids]


async def events_about(session: AsyncSession, training_id: uuid.UUID) -> list[str]:
    async with session.begin():
        found = await session.scalars(
            select(outbox.c.event_type)
            .where(outbox.c.data.contains(str(training_id).encode()))
            .order_by(outbox.c.id)
        )
        return list(found)


async def handled(session: AsyncSession, *events: IntegrationEvent) -> None:
    async with session.begin():
        for event in events:
            handler = link_people if isinstance(event, PersonRequestAccepted) else cancel_refused
            await handler(session, received(event))


async def test_an_accepted_person_links_the_registration_once(session: AsyncSession) -> None:
    training = await a_training(session, "12", [("12.11", 5)])
    (pending,) = await seated(session, training["sessions"][0]["id"], [None])
    person = uuid.uuid4()
    reply = PersonRequestAccepted(request_id=pending, person_id=person, created=True)

    await handled(session, reply)
    assert await states(session, [pending]) == [("registered", "linked", person, None)]
    linked = await events_about(session, training["id"])
    assert linked.count("kombel.activities.participant.linked.v1") == 1

    await handled(session, reply, PersonRequestRefused(request_id=pending, code="x", reason="y"))
    assert await states(session, [pending]) == [("registered", "linked", person, None)]
    assert await events_about(session, training["id"]) == linked, "a replay changes nothing"


async def test_a_person_found_already_registered_cancels_the_new_registration(
    session: AsyncSession,
) -> None:
    training = await a_training(session, "12", [("12.11", 1)])
    person = uuid.uuid4()
    # The person registered themselves while membership was still finding them.
    held, pending = await seated(session, training["sessions"][0]["id"], [person, None])

    await handled(
        session, PersonRequestAccepted(request_id=pending, person_id=person, created=False)
    )
    assert await states(session, [held, pending]) == [
        ("registered", None, person, None),
        ("cancelled", "linked", person, HELD_ALREADY),
    ]


async def test_a_refused_person_cancels_the_registration_and_frees_the_seat(
    session: AsyncSession,
) -> None:
    training = await a_training(session, "12", [("12.11", 1)])
    first_in_line = uuid.uuid4()
    pending, waiting = await seated(session, training["sessions"][0]["id"], [None, first_in_line])
    reason = "NPSN Sekolah: sekolah 10203040 belum terdaftar"
    refusal = PersonRequestRefused(request_id=pending, code="school_unknown", reason=reason)

    await handled(session, refusal)
    assert await states(session, [pending, waiting]) == [
        ("cancelled", "refused", None, reason),
        ("registered", None, first_in_line, None),
    ]
    sent = await events_about(session, training["id"])
    assert sent.count("kombel.activities.participant.cancelled.v1") == 1
    assert sent.count("kombel.activities.participant.promoted.v1") == 1

    await handled(session, refusal)
    assert await events_about(session, training["id"]) == sent, "a replay changes nothing"


async def test_a_refusal_is_a_line_of_its_imports_errors_csv(session: AsyncSession) -> None:
    training = await a_training(session, "12", [("12.11", 5)])
    import_id = uuid.uuid4()
    async with session.begin():
        await session.execute(
            import_tables.imports.insert().values(
                id=import_id,
                kind="registrations",
                dry_run=False,
                status="succeeded",
                filename="peserta.csv",
                requested_by="staf",
                scope={},
            )
        )
        # Its noted row is no longer kept (past retention, or its person erased).
        request = SeatRequest(
            training["sessions"][0]["id"],
            None,
            "staf",
            saga="pending",
            import_id=import_id,
            row_number=7,
        )
        await place(session, [request], [])
    await handled(session, PersonRequestRefused(request_id=request.id, code="x", reason="Alasan."))
    async with session.begin():
        rows = (
            await session.execute(
                select(
                    import_tables.import_rows.c.row_number,
                    import_tables.import_rows.c.outcome,
                    import_tables.import_rows.c.note,
                ).where(import_tables.import_rows.c.import_id == import_id)
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        (7, "rejected", "Pendaftaran dibatalkan, PTK tidak dapat didaftarkan: Alasan.")
    ]


async def test_two_replies_of_one_batch_naming_one_person_leave_one_place(
    session: AsyncSession,
) -> None:
    training = await a_training(session, "12", [("12.11", 5)])
    first, second = await seated(session, training["sessions"][0]["id"], [None, None])
    person = uuid.uuid4()
    async with session.begin():
        await link_people(
            session,
            received(
                PersonRequestAccepted(request_id=first, person_id=person, created=True),
                PersonRequestAccepted(request_id=second, person_id=person, created=False),
            ),
        )
    assert await states(session, [first, second]) == [
        ("registered", "linked", person, None),
        ("cancelled", "linked", person, HELD_ALREADY),
    ]
    async with session.begin():
        live = await session.scalar(
            select(func.count())
            .select_from(registrations)
            .where(registrations.c.person_id == person, registrations.c.status != "cancelled")
        )
    assert live == 1
