"""Seats and waitlists against the database: capacity holds when many register at once, the
waitlist keeps its order, and a cancellation promotes the first in line once."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from activities.db.tables import registrations, training_sessions, trainings
from activities.services.seats import SeatRequest, cancel, place
from activities.services.signing_keys import verified
from kombel_events import IntegrationEvent
from kombel_events.trainings import (
    ParticipantPromoted,
    ParticipantRegistered,
    ParticipantWaitlisted,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

pytestmark = pytest.mark.infra


async def a_session(session: AsyncSession, capacity: int) -> uuid.UUID:
    training_id, session_id = uuid.uuid4(), uuid.uuid4()
    start = datetime(2026, 5, 25, 1, tzinfo=UTC)
    async with session.begin():
        await session.execute(
            trainings.insert().values(
                id=training_id,
                title="Bimtek",
                organiser="BBGP",
                province_code="12",
                audience="penggerak",
                created_by="staf",
            )
        )
        await session.execute(
            training_sessions.insert().values(
                id=session_id,
                training_id=training_id,
                code=f"S{str(session_id)[:6]}",
                province_code="12",
                kabkota_code="12.11",
                venue="Aula",
                starts_at=start,
                ends_at=start + timedelta(hours=8),
                timezone="WIB",
                capacity=capacity,
            )
        )
    return session_id


async def test_concurrent_requests_never_overbook_and_queue_in_order(
    session: AsyncSession, service_sessions: async_sessionmaker[AsyncSession]
) -> None:
    session_id = await a_session(session, capacity=10)

    async def register(n: int) -> tuple[str, int | None]:
        async with service_sessions() as own, own.begin():
            placed = await place(own, [SeatRequest(session_id, uuid.uuid4(), f"p{n}")], [])
        return placed[0].status, placed[0].waitlist_position

    results = await asyncio.gather(*(register(n) for n in range(40)))
    assert sum(1 for status, _ in results if status == "registered") == 10
    positions = sorted(p for status, p in results if status == "waitlisted" and p is not None)
    assert positions == list(range(1, 31))
    async with session.begin():
        counters = (
            await session.execute(
                select(training_sessions.c.registered, training_sessions.c.waitlisted).where(
                    training_sessions.c.id == session_id
                )
            )
        ).one()
    assert tuple(counters) == (10, 30)


async def test_a_cancelled_seat_promotes_the_first_in_line_once(session: AsyncSession) -> None:
    session_id = await a_session(session, capacity=1)
    async with session.begin():
        seated, first, second = await place(
            session, [SeatRequest(session_id, uuid.uuid4(), "staf") for _ in range(3)], []
        )
    assert (seated.status, first.waitlist_position, second.waitlist_position) == (
        "registered",
        1,
        2,
    )
    for _ in range(2):  # a second cancel of the same seat promotes no one more
        events: list[IntegrationEvent] = []
        async with session.begin():
            await cancel(session, seated.id, "Berhalangan", events)
    async with session.begin():
        rows = await session.execute(
            select(registrations.c.id, registrations.c.status).where(
                registrations.c.session_id == session_id
            )
        )
        statuses = {registration_id: status for registration_id, status in rows}
    assert statuses == {seated.id: "cancelled", first.id: "registered", second.id: "waitlisted"}
    assert not [e for e in events if isinstance(e, ParticipantPromoted)]  # the second cancel


async def test_a_seat_s_events_carry_its_ticket_and_a_waitlist_place_none(
    session: AsyncSession,
) -> None:
    """Notifications sends the confirmation's QR from the event: the ticket must verify."""
    session_id = await a_session(session, capacity=1)
    placed_events: list[IntegrationEvent] = []
    async with session.begin():
        seated, waiting = await place(
            session,
            [SeatRequest(session_id, uuid.uuid4(), "staf") for _ in range(2)],
            placed_events,
        )
    registered, waitlisted = placed_events
    assert isinstance(registered, ParticipantRegistered)
    assert isinstance(waitlisted, ParticipantWaitlisted)
    assert registered.ticket is not None
    ticket = await verified(session, None, registered.ticket)
    assert (ticket.registration_id, ticket.session_id) == (seated.id, session_id)

    events: list[IntegrationEvent] = []
    async with session.begin():
        await cancel(session, seated.id, "Berhalangan", events)
    (promoted,) = [e for e in events if isinstance(e, ParticipantPromoted)]
    assert promoted.ticket is not None
    assert (await verified(session, None, promoted.ticket)).registration_id == waiting.id
