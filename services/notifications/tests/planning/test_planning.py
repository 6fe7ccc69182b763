"""Planning from the events notifications consumes, against its real database: a message once
per (event, person, channel), reminders at their local instants that move and drop with their
session, and the saga's late person answered once."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from kombel_events.membership import PersonErased, PersonMerged
from kombel_events.trainings import (
    ParticipantCancelled,
    ParticipantLinked,
    ParticipantPromoted,
    ParticipantWaitlisted,
    RegistrationStatus,
    SessionCancelled,
    SessionChanged,
)
from notifications.db.tables import contacts, messages
from sqlalchemy.ext.asyncio import AsyncSession

from ..planning_fixtures import (
    a_person,
    a_seated,
    a_session,
    a_training,
    at_local,
    by_rule,
    handled,
    local_day,
    participant,
    received,
    rows,
    seat,
)

pytestmark = pytest.mark.infra

EVERYWHERE = {"email", "whatsapp", "inbox"}
SEATED = {
    "registration_confirmed": EVERYWHERE,
    "session_reminder_day_before": EVERYWHERE,
    "session_reminder_two_hours": EVERYWHERE,
}
JAKARTA = "31.71"  # Kota Jakarta Pusat, WIB
MAKASSAR = "73.71"  # Kota Makassar, WITA


def moved(place: Any, by: timedelta) -> SessionChanged:
    return SessionChanged(
        **place.model_dump(exclude={"starts_at", "ends_at"}),
        starts_at=place.starts_at + by,
        ends_at=place.ends_at + by,
    )


async def test_a_registration_plans_its_confirmation_and_reminders_once(
    session: AsyncSession,
) -> None:
    seated = await a_seated(session)
    person, place = seated.person, seated.place
    ours = messages.c.registration_id == seated.registration_id
    planned = await rows(session, ours)
    assert by_rule(planned) == SEATED
    confirmation = [m for m in planned if m["rule"] == "registration_confirmed"]
    assert {(m["status"], m["transactional"]) for m in confirmation} == {("queued", True)}
    assert {m["event_key"] for m in confirmation} == {
        f"registration:confirmed:{seated.registration_id}"
    }
    reminders = [m for m in planned if m["rule"].startswith("session_reminder")]
    assert {m["status"] for m in reminders} == {"scheduled"}
    assert {m["expires_at"] for m in reminders} == {place.starts_at}
    assert all(m["next_attempt_at"] == m["due_at"] for m in reminders)
    assert all(m["person_id"] == person.person_id for m in planned)
    assert all("siti" not in str(m["context"]) for m in planned)

    # The same event again (redelivered, replayed) plans nothing new.
    await handled(session, seated.registered)
    assert len(await rows(session, ours)) == len(planned) == 9


async def test_a_channel_without_an_address_is_not_planned(session: AsyncSession) -> None:
    seated = await a_seated(session, phone=None)
    planned = await rows(session, messages.c.registration_id == seated.registration_id)
    assert {m["channel"] for m in planned} == {"email", "inbox"}


async def test_a_makassar_session_is_reminded_at_wita_times(session: AsyncSession) -> None:
    day = local_day(9)
    seated = await a_seated(session, MAKASSAR, at_local(day, 8, MAKASSAR))

    planned = await rows(session, messages.c.registration_id == seated.registration_id)
    wita = ZoneInfo("Asia/Makassar")
    due = {m["rule"]: m["due_at"].astimezone(wita) for m in planned}
    assert due["session_reminder_day_before"] == datetime.combine(
        day - timedelta(days=1), datetime.min.time(), wita
    ).replace(hour=8)
    assert due["session_reminder_two_hours"] == datetime.combine(
        day, datetime.min.time(), wita
    ).replace(hour=6)
    # Stored as UTC instants: 08.00 WITA is 00.00 UTC.
    assert due["session_reminder_day_before"].astimezone(UTC).hour == 0


async def test_a_moved_session_moves_its_reminders_and_a_cancelled_one_drops_them(
    session: AsyncSession,
) -> None:
    people = [a_person(JAKARTA) for _ in range(2)]
    training = a_training("31")
    place = a_session(training, JAKARTA, at_local(local_day(10), 8, JAKARTA))
    seats = [seat(place, p.person_id) for p in people]
    await handled(session, *people, training, place, *seats)
    ours = messages.c.session_id == place.session_id
    before = {(m["event_key"], m["channel"]): m for m in await rows(session, ours)}

    await handled(session, moved(place, timedelta(hours=1)))
    after = {(m["event_key"], m["channel"]): m for m in await rows(session, ours)}
    assert after.keys() == before.keys()
    for key, row in after.items():
        if row["rule"].startswith("session_reminder"):
            assert row["due_at"] - before[key]["due_at"] == timedelta(hours=1)
            assert row["next_attempt_at"] == row["due_at"]
            assert row["expires_at"] == place.starts_at + timedelta(hours=1)
            assert row["status"] == "scheduled"
        else:
            assert row["due_at"] == before[key]["due_at"]

    # Cancelled: every message not yet sent is dropped; each participant is told (activities
    # publishes their cancellations after the session's).
    cancelled = SessionCancelled(
        training_id=training.training_id,
        session_id=place.session_id,
        cancelled_at=datetime.now(UTC),
        reason="Gedung tidak tersedia",
    )
    notes = [
        participant(
            ParticipantCancelled,
            place,
            s.person_id,
            registration_id=s.registration_id,
            previous_status=RegistrationStatus.REGISTERED,
            reason="Sesi pelatihan dibatalkan oleh penyelenggara: Gedung tidak tersedia",
        )
        for s in seats
    ]
    await handled(session, cancelled, *notes)
    final = await rows(session, ours)
    dropped = [m for m in final if m["rule"] != "registration_cancelled"]
    assert {(m["status"], m["failure_reason"]) for m in dropped} == {
        ("cancelled", "session_cancelled")
    }
    told = [m for m in final if m["rule"] == "registration_cancelled"]
    assert len(told) == 6
    assert {m["status"] for m in told} == {"queued"}
    assert {m["context"]["reason"] for m in told} == {notes[0].reason}


async def test_a_session_moved_so_near_that_its_reminders_have_passed_drops_them(
    session: AsyncSession,
) -> None:
    seated = await a_seated(session)
    place, registered = seated.place, seated.registered.event

    soon = datetime.now(UTC) + timedelta(hours=3)
    await handled(session, moved(place, soon - place.starts_at))
    planned = await rows(
        session,
        messages.c.registration_id == registered.registration_id,
        messages.c.rule.like("session_reminder%"),
    )
    states = {(m["rule"], m["status"]) for m in planned}
    assert states == {
        ("session_reminder_day_before", "cancelled"),
        ("session_reminder_two_hours", "scheduled"),
    }


async def test_a_late_registration_gets_only_the_reminders_still_ahead(
    session: AsyncSession,
) -> None:
    seated = await a_seated(session, starts_at=datetime.now(UTC) + timedelta(hours=3))
    place, registered = seated.place, seated.registered.event
    planned = await rows(session, messages.c.registration_id == registered.registration_id)
    assert set(by_rule(planned)) == {"registration_confirmed", "session_reminder_two_hours"}

    # Postponed by a week: the reminder of the day before fits again, and is planned.
    await handled(session, moved(place, timedelta(days=7)))
    planned = await rows(session, messages.c.registration_id == registered.registration_id)
    assert by_rule(planned) == SEATED


async def test_a_cancelled_registration_drops_its_reminders_and_is_told(
    session: AsyncSession,
) -> None:
    seated = await a_seated(session)
    person, place, registered = seated.person, seated.place, seated.registered.event
    cancelled = participant(
        ParticipantCancelled,
        place,
        person.person_id,
        registration_id=registered.registration_id,
        previous_status=RegistrationStatus.REGISTERED,
        reason="Dibatalkan oleh peserta",
    )
    await handled(session, cancelled)
    planned = await rows(session, messages.c.registration_id == registered.registration_id)
    assert {(m["rule"], m["status"]) for m in planned if m["rule"] != "registration_cancelled"} == {
        ("registration_confirmed", "cancelled"),
        ("session_reminder_day_before", "cancelled"),
        ("session_reminder_two_hours", "cancelled"),
    }
    told = [m for m in planned if m["rule"] == "registration_cancelled"]
    assert {m["channel"] for m in told} == EVERYWHERE
    assert told[0]["context"] == {"previous_status": "registered", "reason": cancelled.reason}


async def test_the_waitlist_is_told_its_place_and_a_promotion_brings_the_reminders(
    session: AsyncSession,
) -> None:
    person = a_person(JAKARTA)
    training = a_training("31")
    place = a_session(training, JAKARTA, at_local(local_day(10), 8, JAKARTA))
    waiting = participant(ParticipantWaitlisted, place, person.person_id, waitlist_position=3)
    await handled(session, person, training, place, waiting)
    ours = messages.c.registration_id == waiting.registration_id
    planned = await rows(session, ours)
    assert by_rule(planned) == {"registration_waitlisted": EVERYWHERE}
    assert planned[0]["context"] == {"waitlist_position": 3}

    promoted = participant(
        ParticipantPromoted,
        place,
        person.person_id,
        registration_id=waiting.registration_id,
        ticket="tiket.bertanda.tangan",
    )
    await handled(session, promoted)
    assert by_rule(await rows(session, ours)) == {
        "registration_waitlisted": EVERYWHERE,
        "registration_promoted": EVERYWHERE,
        "session_reminder_day_before": EVERYWHERE,
        "session_reminder_two_hours": EVERYWHERE,
    }


async def test_a_registration_awaiting_its_person_is_confirmed_once_when_linked(
    session: AsyncSession,
) -> None:
    training = a_training("31")
    place = a_session(training, JAKARTA, at_local(local_day(10), 8, JAKARTA))
    pending = seat(place, None)
    await handled(session, training, place, pending)
    ours = messages.c.registration_id == pending.registration_id
    assert await rows(session, ours) == []

    # Membership creates the person; activities links the registration.
    person = a_person(JAKARTA)
    linked = received(
        participant(
            ParticipantLinked, place, person.person_id, registration_id=pending.registration_id
        )
    )
    await handled(session, person, *linked)
    planned = await rows(session, ours)
    assert by_rule(planned) == SEATED
    assert {m["person_id"] for m in planned} == {person.person_id}

    # The link again, or a later update of the person, plans nothing more.
    await handled(session, *linked, a_person(JAKARTA, person_id=person.person_id))
    assert len(await rows(session, ours)) == len(planned)


async def test_a_contact_that_arrives_after_the_registration_is_answered_once(
    session: AsyncSession,
) -> None:
    person = a_person(JAKARTA)
    training = a_training("31")
    place = a_session(training, JAKARTA, at_local(local_day(10), 8, JAKARTA))
    registered = seat(place, person.person_id)
    await handled(session, training, place, registered)
    ours = messages.c.registration_id == registered.registration_id
    assert await rows(session, ours) == []

    await handled(session, person)
    planned = await rows(session, ours)
    assert by_rule(planned) == SEATED
    await handled(session, a_person(JAKARTA, person_id=person.person_id, phone=None))
    assert len(await rows(session, ours)) == len(planned)


async def test_an_erased_person_is_forgotten_with_their_messages(session: AsyncSession) -> None:
    seated = await a_seated(session)
    person, place = seated.person, seated.place
    # One of them already went out, with its text kept for the inbox.
    async with session.begin():
        await session.execute(
            messages.update()
            .where(
                messages.c.person_id == person.person_id,
                messages.c.rule == "registration_confirmed",
                messages.c.channel == "inbox",
            )
            .values(status="delivered", subject="Pendaftaran diterima", body="Halo Siti")
        )

    erased_at = datetime.now(UTC)
    await handled(session, PersonErased(person_id=person.person_id, erased_at=erased_at))
    async with session.begin():
        contact = (
            (
                await session.execute(
                    contacts.select().where(contacts.c.person_id == person.person_id)
                )
            )
            .mappings()
            .one()
        )
    assert (contact["full_name"], contact["email"], contact["phone"]) == (None, None, None)
    assert contact["erased_at"] == erased_at
    planned = await rows(session, messages.c.person_id == person.person_id)
    assert {m["status"] for m in planned} == {"cancelled", "delivered"}
    assert [m["channel"] for m in planned if m["status"] == "delivered"] == ["inbox"]
    assert {(m["subject"], m["body"]) for m in planned} == {(None, None)}
    assert {str(m["context"]) for m in planned} == {"{}"}

    # An older update arriving late does not bring them back, nor plans anything.
    again = seat(place, person.person_id)
    await handled(session, again)
    assert await rows(session, messages.c.registration_id == again.registration_id) == []


async def test_a_merged_persons_messages_go_to_the_person_kept(session: AsyncSession) -> None:
    duplicate = a_person(JAKARTA, phone="+6281111111111")
    keeper = a_person(JAKARTA, email="rahma@contoh.sch.id", phone=None)
    training = a_training("31")
    place = a_session(training, JAKARTA, at_local(local_day(10), 8, JAKARTA))
    theirs = seat(place, duplicate.person_id)
    await handled(session, duplicate, keeper, training, place, theirs)

    await handled(
        session, PersonMerged(person_id=duplicate.person_id, into_person_id=keeper.person_id)
    )
    planned = await rows(session, messages.c.registration_id == theirs.registration_id)
    kept = {(m["rule"], m["channel"]) for m in planned if m["person_id"] == keeper.person_id}
    assert {channel for _, channel in kept} == {"email", "inbox"}
    assert len(kept) == 6
    # The keeper has no number: the duplicate's WhatsApp messages are dropped.
    left = [m for m in planned if m["person_id"] == duplicate.person_id]
    assert {(m["channel"], m["status"], m["failure_reason"]) for m in left} == {
        ("whatsapp", "cancelled", "person_merged")
    }

    # Later messages of the duplicate's registration go to the keeper too.
    other = a_session(training, JAKARTA, at_local(local_day(12), 8, JAKARTA))
    later = seat(other, duplicate.person_id)
    await handled(session, other, later)
    planned = await rows(session, messages.c.registration_id == later.registration_id)
    assert {m["person_id"] for m in planned} == {keeper.person_id}
