"""The renderer the dispatcher calls: a `messages` row rendered from the replicas as they are at
sending time, in the recipient's language and zone, or nothing when its subject is gone."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from kombel_events.notifications import Channel
from notifications.app import NotificationsSettings
from notifications.channels.base import Rendered
from notifications.db.tables import messages, training_sessions
from notifications.rendering import TICKET_CID, renderer
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .rows import a_contact, a_meeting, a_message, a_seat

# Only the links matter to the renderer; the rest of the settings (database, Redis) is unused.
SETTINGS = NotificationsSettings.model_construct(public_base_url="https://kombel.example.id")
RENDER = renderer(SETTINGS)

# 08.00 in Jakarta, Wednesday 9 December 2026.
JAKARTA_MORNING = datetime(2026, 12, 9, 1, 0, tzinfo=UTC)


async def row_of(session: AsyncSession, message_id: UUID) -> dict[str, Any]:
    found = (await session.execute(select(messages).where(messages.c.id == message_id))).mappings()
    return dict(found.one())


async def render(session: AsyncSession, person_id: UUID, **message: Any) -> Rendered | None:
    message_id = await a_message(session, person_id, status="queued", **message)
    return await RENDER(session, await row_of(session, message_id))


async def test_a_makassar_participant_reads_a_jakarta_session_in_wita(
    session: AsyncSession,
) -> None:
    async with session.begin():
        person = await a_contact(session, "73.71")  # Kota Makassar
        seat = await a_seat(session, person, JAKARTA_MORNING, kabkota="31.71")
        email = await render(
            session, person, channel="email", registration_id=seat["registration_id"]
        )
        whatsapp = await render(
            session, person, channel="whatsapp", registration_id=seat["registration_id"]
        )
    assert email is not None
    assert whatsapp is not None
    assert "Rabu, 9 Desember 2026, 09.00 WITA s.d. 13.00 WITA" in email.text
    assert "(waktu setempat 08.00 WIB)" in email.text
    assert "Aula Gedung A, Kota Jakarta Pusat" in email.text
    assert email.subject == "Pendaftaran terkonfirmasi: Bimtek Kurikulum Merdeka"
    assert set(email.images) == {TICKET_CID}
    assert "Rabu, 9 Desember 2026, 09.00 WITA" in whatsapp.text
    assert "Kode tiket: " + "A" * 162 in whatsapp.text
    assert "https://kombel.example.id/notifications/unsubscribe?token=" in whatsapp.text


async def test_english_readers_get_english_and_the_inbox_gets_a_title(
    session: AsyncSession,
) -> None:
    async with session.begin():
        person = await a_contact(session, "91.71", language="en")  # Kota Jayapura, WIT
        seat = await a_seat(session, person, JAKARTA_MORNING)
        inbox = await render(
            session,
            person,
            rule="session_reminder_two_hours",
            registration_id=seat["registration_id"],
        )
    assert inbox is not None
    assert inbox.subject == "In two hours: Bimtek Kurikulum Merdeka"
    assert "Wednesday, 9 December 2026, 10:00 WIT (08:00 WIB local time)" in inbox.text
    assert "unsubscribe" not in inbox.text


async def test_a_moved_session_shows_its_new_time_when_the_reminder_goes_out(
    session: AsyncSession,
) -> None:
    async with session.begin():
        person = await a_contact(session)
        seat = await a_seat(session, person, JAKARTA_MORNING)
        await session.execute(
            update(training_sessions)
            .where(training_sessions.c.id == seat["session_id"])
            .values(starts_at=JAKARTA_MORNING + timedelta(hours=1))
        )
        reminder = await render(
            session,
            person,
            channel="sms",
            rule="session_reminder_day_before",
            registration_id=seat["registration_id"],
        )
    assert reminder is not None
    assert "Rabu, 9 Desember 2026, 09.00 WIB" in reminder.text


async def test_nothing_is_rendered_once_its_subject_is_gone(session: AsyncSession) -> None:
    async with session.begin():
        person = await a_contact(session)
        erased = await a_contact(session, erased=True)
        cancelled = await a_seat(session, person, JAKARTA_MORNING, status="cancelled")
        called_off = await a_seat(session, person, JAKARTA_MORNING, session_status="cancelled")
        live = await a_seat(session, erased, JAKARTA_MORNING)
        attended = await a_seat(session, person, JAKARTA_MORNING, checked_in=True)
        gone_meeting = await a_meeting(session, JAKARTA_MORNING, deleted=True)
        outcomes = [
            await render(
                session,
                person,
                rule="session_reminder_two_hours",
                registration_id=cancelled["registration_id"],
            ),
            await render(
                session,
                person,
                rule="registration_confirmed",
                registration_id=called_off["registration_id"],
            ),
            await render(session, erased, registration_id=live["registration_id"]),
            await render(
                session,
                person,
                rule="session_no_show",
                registration_id=attended["registration_id"],
            ),
            await render(
                session,
                person,
                rule="meeting_reminder_day_before",
                activity_id=gone_meeting["activity_id"],
            ),
            await render(session, person, rule="registration_confirmed"),
            await render(session, person, rule="no_such_rule"),
        ]
        # What is about a cancellation is still said when the session is off.
        cancellation = await render(
            session,
            person,
            rule="registration_cancelled",
            registration_id=called_off["registration_id"],
            context={"reason": "Sesi dibatalkan panitia."},
        )
    assert outcomes == [None] * len(outcomes)
    assert cancellation is not None
    assert "Alasan: Sesi dibatalkan panitia." in cancellation.text


async def test_thanks_and_no_show_follow_the_check_in(session: AsyncSession) -> None:
    async with session.begin():
        person = await a_contact(session)
        came = await a_seat(session, person, JAKARTA_MORNING, checked_in=True)
        missed = await a_seat(session, person, JAKARTA_MORNING)
        thanks = await render(
            session, person, rule="session_thanks", registration_id=came["registration_id"]
        )
        no_show = await render(
            session, person, rule="session_no_show", registration_id=missed["registration_id"]
        )
    assert thanks is not None
    assert no_show is not None
    certificate = (
        "https://kombel.example.id/activities/registrations/"
        f"{came['registration_id']}/certificate.pdf"
    )
    assert certificate in thanks.text
    assert "tidak tercatat" in no_show.text


async def test_meetings_welcomes_and_imports_render_from_their_facts(
    session: AsyncSession,
) -> None:
    async with session.begin():
        person = await a_contact(session, "73.71")
        meeting = await a_meeting(session, datetime(2026, 12, 10, 8, 0, tzinfo=UTC))
        reminder = await render(
            session,
            person,
            channel=Channel.EMAIL.value,
            rule="meeting_reminder_two_hours",
            activity_id=meeting["activity_id"],
        )
        welcome = await render(
            session,
            person,
            channel="email",
            rule="community_welcome",
            context={"community_id": str(meeting["community_id"])},
        )
        finished = await render(
            session,
            person,
            rule="import_finished",
            context={
                "import_id": "0190a9b0-0000-7000-8000-000000000001",
                "service": "activities",
                "kind": "attendance",
                "status": "succeeded",
                "dry_run": False,
                "created": 40,
                "rejected": 2,
            },
        )
    assert reminder is not None
    assert welcome is not None
    assert finished is not None
    assert reminder.subject == "Dua jam lagi: pertemuan KKG Gugus 3 Tamalate"
    assert "Kamis, 10 Desember 2026, 16.00 WITA" in reminder.text
    assert "komunitas belajar KKG Gugus 3 Tamalate (Kota Makassar)" in welcome.text
    assert "dibuat 40, diperbarui 0, sama dengan data tersimpan 0, ditolak 2" in finished.text
    assert (
        "https://kombel.example.id/activities/imports/0190a9b0-0000-7000-8000-000000000001"
        in finished.text
    )
