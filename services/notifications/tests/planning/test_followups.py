"""After a session: the sweep thanks those who checked in and sends the rest a note, once,
however many replicas sweep at the same time; a check-in that arrives late still counts."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from kombel_events.trainings import ParticipantCheckedIn
from notifications.db.tables import messages, training_sessions
from notifications.followups import sweep_ended_sessions
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..planning_fixtures import (
    a_person,
    a_session,
    a_training,
    by_rule,
    handled,
    participant,
    rows,
    seat,
)

pytestmark = pytest.mark.infra

JAKARTA = "31.71"


async def sweep_all(sessions: async_sessionmaker[AsyncSession]) -> int:
    swept = 0
    while found := await sweep_ended_sessions(sessions):
        swept += found
    return swept


async def an_ended_session(session: AsyncSession, people: int, ended_ago: timedelta) -> tuple:  # type: ignore[type-arg]
    persons = [a_person(JAKARTA) for _ in range(people)]
    training = a_training("31")
    ends_at = datetime.now(UTC) - ended_ago
    place = a_session(training, JAKARTA, ends_at - timedelta(hours=8))
    seats = [seat(place, p.person_id) for p in persons]
    await handled(session, *persons, training, place, *seats)
    return place, seats


async def test_those_who_came_are_thanked_and_the_others_get_a_note_once(
    session: AsyncSession, service_sessions: async_sessionmaker[AsyncSession]
) -> None:
    place, seats = await an_ended_session(session, 3, timedelta(hours=2))
    came = seats[0]
    # An offline scanner's batch arrives after the session, before the sweep.
    await handled(
        session,
        participant(
            ParticipantCheckedIn,
            place,
            came.person_id,
            registration_id=came.registration_id,
            checked_in_at=place.starts_at + timedelta(minutes=5),
        ),
    )
    assert await sweep_all(service_sessions) >= 1
    planned = await rows(session, messages.c.session_id == place.session_id)
    # Nothing but follow-ups: the confirmation and reminders of a past session were not sent.
    follow_ups = [m for m in planned if m["event_key"].startswith("followup:")]
    assert follow_ups == planned
    thanks = [m for m in follow_ups if m["registration_id"] == came.registration_id]
    assert by_rule(thanks) == {"session_thanks": {"email", "whatsapp", "inbox"}}
    assert thanks[0]["context"] == {
        "certificate_path": f"/activities/registrations/{came.registration_id}/certificate.pdf"
    }
    absent = [m for m in follow_ups if m["registration_id"] != came.registration_id]
    assert by_rule(absent) == {"session_no_show": {"email", "inbox"}}
    assert len(absent) == 4
    assert {m["status"] for m in follow_ups} == {"scheduled"}
    assert all(m["due_at"] <= datetime.now(UTC) for m in follow_ups)
    async with session.begin():
        followed = await session.scalar(
            select(training_sessions.c.followed_up_at).where(
                training_sessions.c.id == place.session_id
            )
        )
    assert followed is not None

    await sweep_all(service_sessions)
    assert len(await rows(session, messages.c.session_id == place.session_id)) == len(planned)


async def test_a_check_in_after_the_sweep_turns_the_note_into_thanks(
    session: AsyncSession, service_sessions: async_sessionmaker[AsyncSession]
) -> None:
    place, (late,) = await an_ended_session(session, 1, timedelta(hours=2))
    await sweep_all(service_sessions)
    ours = messages.c.registration_id == late.registration_id
    assert set(by_rule(await rows(session, ours))) == {"session_no_show"}

    await handled(
        session,
        participant(
            ParticipantCheckedIn,
            place,
            late.person_id,
            registration_id=late.registration_id,
            checked_in_at=place.starts_at,
        ),
    )
    assert by_rule(await rows(session, ours)) == {"session_thanks": {"email", "whatsapp", "inbox"}}


async def test_sweeps_at_once_follow_each_session_up_once(
    session: AsyncSession, service_sessions: async_sessionmaker[AsyncSession]
) -> None:
    places = [
        (await an_ended_session(session, 2, timedelta(hours=1, minutes=5)))[0] for _ in range(5)
    ]
    swept = await asyncio.gather(*(sweep_all(service_sessions) for _ in range(4)))
    assert sum(swept) >= len(places)
    for place in places:
        found = await rows(session, messages.c.session_id == place.session_id)
        assert len(found) == 4  # two people, a note each on email and inbox


async def test_a_session_not_yet_an_hour_over_or_long_past_is_left_alone(
    session: AsyncSession, service_sessions: async_sessionmaker[AsyncSession]
) -> None:
    recent, _ = await an_ended_session(session, 1, timedelta(minutes=30))
    old, _ = await an_ended_session(session, 1, timedelta(days=5))
    await sweep_all(service_sessions)
    for place in (recent, old):
        assert await rows(session, messages.c.session_id == place.session_id) == []
