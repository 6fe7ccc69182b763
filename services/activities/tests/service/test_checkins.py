"""`check_in_many` against the database: the counter stays exact when scanners send at once,
the earliest scan wins within and across calls, and check-ins and cancellations of the same
session never deadlock."""

import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from activities.db.tables import registrations, training_sessions
from activities.services.checkins import check_in_many
from activities.services.seats import cancel
from kombel_events import IntegrationEvent
from kombel_events.trainings import ParticipantCheckedIn
from kombel_runtime.testing.regions import fresh_kabkota
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..trainings_fixtures import a_bimtek, people, seats

pytestmark = pytest.mark.infra

T0 = datetime(2026, 5, 25, 1, 0, tzinfo=UTC)


async def a_full_session(
    sessions: async_sessionmaker[AsyncSession], seated: int
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    kabkota = fresh_kabkota()
    bimtek = await a_bimtek(sessions, [kabkota], capacity=seated)
    session_id = bimtek.sessions[kabkota]
    person_ids = await people(sessions, kabkota, [f"Peserta {n}" for n in range(seated)])
    return session_id, [p.id for p in await seats(sessions, session_id, person_ids)]


async def counters(session: AsyncSession, session_id: uuid.UUID) -> tuple[int, int]:
    async with session.begin():
        counted = await session.scalar(
            select(training_sessions.c.checked_in).where(training_sessions.c.id == session_id)
        )
        present = await session.scalar(
            select(func.count())
            .select_from(registrations)
            .where(
                registrations.c.session_id == session_id,
                registrations.c.status == "registered",
                registrations.c.checked_in_at.is_not(None),
            )
        )
    return int(counted or 0), int(present or 0)


async def test_scanners_sending_at_once_keep_the_counter_exact(
    session: AsyncSession, service_sessions: async_sessionmaker[AsyncSession]
) -> None:
    session_id, seated = await a_full_session(service_sessions, 60)
    # Eight devices, each with an overlapping, shuffled share of the room and its own times.
    shares = []
    for device in range(8):
        share = random.sample(seated, 30)
        shares.append(
            [(r, T0 + timedelta(seconds=random.randint(0, 3600)), f"hp-{device}") for r in share]
        )

    async def send(scans: list[tuple[uuid.UUID, datetime, str]]) -> list[IntegrationEvent]:
        events: list[IntegrationEvent] = []
        async with service_sessions() as own, own.begin():
            await check_in_many(own, session_id, scans, events)
        return events

    sent = await asyncio.gather(*(send(s) for s in shares), *(send(s[:1]) for s in shares))
    scanned = {r for share in shares for r, _, _ in share}
    assert await counters(session, session_id) == (len(scanned), len(scanned))
    earliest = {r: min(at for share in shares for s, at, _ in share if s == r) for r in scanned}
    async with session.begin():
        rows = await session.execute(
            select(registrations.c.id, registrations.c.checked_in_at).where(
                registrations.c.session_id == session_id
            )
        )
        stored: dict[uuid.UUID, datetime] = {row.id: row.checked_in_at for row in rows}
    assert {r: stored[r] for r in scanned} == earliest
    # Each event moved a check-in earlier; the last of each registration's is the one that holds.
    last: dict[uuid.UUID, datetime] = {}
    for event in (e for events in sent for e in events):
        assert isinstance(event, ParticipantCheckedIn)
        last[event.registration_id] = min(
            event.checked_in_at, last.get(event.registration_id, event.checked_in_at)
        )
    assert last == earliest


async def test_a_replay_changes_nothing_and_reports_each_scan(
    session: AsyncSession, service_sessions: async_sessionmaker[AsyncSession]
) -> None:
    session_id, (a, b) = await a_full_session(service_sessions, 2)
    scans = [
        (a, T0 + timedelta(minutes=3), "hp"),
        (b, T0, "hp"),
        (a, T0, "hp"),
        (uuid.uuid4(), T0, "hp"),
    ]
    for expected_events, results in (
        (2, ["already_checked_in", "ok", "ok", None]),
        (0, ["already_checked_in"] * 3 + [None]),
    ):
        events: list[IntegrationEvent] = []
        async with session.begin():
            outcomes = await check_in_many(session, session_id, scans, events)
        assert [o.result for o in outcomes] == results
        assert outcomes[3].code == "ticket_invalid"
        assert [o.checked_in_at for o in outcomes[:3]] == [T0, T0, T0]
        assert len(events) == expected_events
    assert await counters(session, session_id) == (2, 2)


async def test_check_ins_and_cancellations_of_one_session_do_not_deadlock(
    session: AsyncSession, service_sessions: async_sessionmaker[AsyncSession]
) -> None:
    session_id, seated = await a_full_session(service_sessions, 40)

    async def check_in(registration_id: uuid.UUID) -> None:
        async with service_sessions() as own, own.begin():
            await check_in_many(own, session_id, [(registration_id, T0, "hp")], [])

    async def cancelled(registration_id: uuid.UUID) -> None:
        async with service_sessions() as own, own.begin():
            await cancel(own, registration_id, "Berhalangan", [])

    work = [check_in(r) for r in seated] + [cancelled(r) for r in seated[::2]]
    random.shuffle(work)
    await asyncio.gather(*work)
    counted, present = await counters(session, session_id)
    assert counted == present
    assert present <= 20
