"""The dispatcher against a real database, Redis, SMTP server and gateway: each channel's
message arrives once with its statuses and events; preferences, quiet hours, erasure and
late messages decide what is not sent."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import redis.asyncio as redis
from kombel_events.notifications import Channel
from notifications.channels.base import INBOX_STREAM
from notifications.db.tables import channel_preferences, messages, quiet_hours
from notifications.testing import GatewayRecorder, SmtpCatcher

from .delivery_fixtures import (
    Sessions,
    a_contact,
    a_message,
    channel_senders,
    dispatcher,
    events_of,
    history_of,
    in_minutes,
    row_of,
    rows_of,
    running,
    settled,
    until,
)


async def test_each_channel_delivers_once_with_its_status_history_and_events(
    fresh_sessions: Sessions,
    redis_client: "redis.Redis",
    smtp: SmtpCatcher,
    gateway: GatewayRecorder,
) -> None:
    person = await a_contact(fresh_sessions, timezone="WITA")
    email = await a_message(fresh_sessions, person, Channel.EMAIL, transactional=True)
    whatsapp = await a_message(fresh_sessions, person, Channel.WHATSAPP, transactional=True)
    inbox = await a_message(fresh_sessions, person, Channel.INBOX, transactional=True)
    stream = redis_client.pubsub()
    await stream.subscribe(INBOX_STREAM.format(person_id=person))
    async with channel_senders(smtp, gateway) as senders:
        sending = dispatcher(fresh_sessions, redis_client, senders)
        async with running(sending):
            await until(lambda: rows_of(fresh_sessions), settled)
    sent, delivered = (await row_of(fresh_sessions, email)), (await row_of(fresh_sessions, inbox))
    assert sent["status"] == "sent"
    assert (sent["attempts"], sent["provider"]) == (1, "smtp")
    assert sent["subject"] == "Uji: registration_confirmed"
    (mail,) = smtp.mails
    assert mail.message["List-Unsubscribe"].startswith(
        "<http://kombel.test/notifications/unsubscribe?token="
    )
    assert mail.message["Message-ID"].startswith(f"<{email}@")
    assert (await row_of(fresh_sessions, whatsapp))["provider_message_id"] == gateway.ids[0]
    assert len(gateway.calls) == 1
    assert delivered["status"] == "delivered"
    assert delivered["body"] == "Halo, ini pesan registration_confirmed."
    for message_id, final in ((email, "sent"), (whatsapp, "sent"), (inbox, "delivered")):
        assert await history_of(fresh_sessions, message_id) == [final]
        (event,) = await events_of(fresh_sessions, message_id)
        assert (event["status"], event["person_id"], event["rule"]) == (
            final,
            str(person),
            "registration_confirmed",
        )
    announced = await until(
        lambda: stream.get_message(ignore_subscribe_messages=True, timeout=0.2),
        lambda found: found is not None,
        timeout_s=5,
    )
    assert json.loads(announced["data"]) == {"id": str(inbox), "rule": "registration_confirmed"}
    await stream.aclose()  # type: ignore[no-untyped-call]


async def test_what_stops_a_message_is_kept_as_its_reason(
    fresh_sessions: Sessions,
    redis_client: "redis.Redis",
    smtp: SmtpCatcher,
    gateway: GatewayRecorder,
) -> None:
    person = await a_contact(fresh_sessions)
    async with fresh_sessions() as session, session.begin():
        await session.execute(
            channel_preferences.insert().values(
                person_id=person, channel=Channel.WHATSAPP.value, enabled=False
            )
        )
    opted_out = await a_message(fresh_sessions, person, Channel.WHATSAPP, transactional=True)
    erased = await a_message(
        fresh_sessions, await a_contact(fresh_sessions, erased=True), Channel.EMAIL
    )
    stranger = await a_message(fresh_sessions, uuid.uuid4(), Channel.EMAIL)
    no_phone = await a_message(
        fresh_sessions, await a_contact(fresh_sessions, phone_number=None), Channel.WHATSAPP
    )
    late = await a_message(fresh_sessions, person, Channel.EMAIL, expires_at=in_minutes(-1))
    gone = await a_message(fresh_sessions, person, Channel.EMAIL, rule="gone_session")
    async with (
        channel_senders(smtp, gateway) as senders,
        running(dispatcher(fresh_sessions, redis_client, senders)),
    ):
        await until(lambda: rows_of(fresh_sessions), settled)
    expected = {
        opted_out: ("skipped", "channel_off"),
        erased: ("cancelled", "contact_erased"),
        stranger: ("cancelled", "no_contact"),
        no_phone: ("cancelled", "no_address"),
        late: ("skipped", "expired"),
        gone: ("cancelled", "not_renderable"),
    }
    for message_id, (status, reason) in expected.items():
        row = await row_of(fresh_sessions, message_id)
        assert (row["status"], row["failure_reason"]) == (status, reason)
        (event,) = await events_of(fresh_sessions, message_id)
        assert (event["status"], event["reason"]) == ("failed", reason)
    assert smtp.mails == []
    assert gateway.calls == []


async def test_quiet_hours_hold_reminders_until_morning_but_not_tickets(
    fresh_sessions: Sessions,
    redis_client: "redis.Redis",
    smtp: SmtpCatcher,
    gateway: GatewayRecorder,
) -> None:
    person = await a_contact(fresh_sessions, timezone="WITA")
    here = datetime.now(ZoneInfo("Asia/Makassar"))
    async with fresh_sessions() as session, session.begin():
        await session.execute(
            quiet_hours.insert().values(
                person_id=person,
                starts=(here - timedelta(hours=1)).time(),
                ends=(here + timedelta(hours=1)).time(),
            )
        )
    reminder = await a_message(fresh_sessions, person, Channel.WHATSAPP, rule="reminder_h1")
    ticket = await a_message(fresh_sessions, person, Channel.WHATSAPP, transactional=True)
    useless_by_then = await a_message(
        fresh_sessions, person, Channel.EMAIL, rule="reminder_2h", expires_at=in_minutes(30)
    )
    async with channel_senders(smtp, gateway) as senders:
        sending = dispatcher(fresh_sessions, redis_client, senders)
        assert await sending.dispatch_once() == 3
    held = await row_of(fresh_sessions, reminder)
    assert held["status"] == "queued"
    assert held["attempts"] == 0
    morning = here + timedelta(hours=1)
    assert abs(held["next_attempt_at"] - morning) < timedelta(seconds=5)
    assert await events_of(fresh_sessions, reminder) == []
    assert (await row_of(fresh_sessions, ticket))["status"] == "sent"
    dropped = await row_of(fresh_sessions, useless_by_then)
    assert (dropped["status"], dropped["failure_reason"]) == ("skipped", "quiet_hours_until_expiry")
    assert [c.text for c in gateway.calls] == ["Halo, ini pesan registration_confirmed."]


async def test_a_scheduled_message_waits_for_its_instant(
    fresh_sessions: Sessions, redis_client: "redis.Redis", smtp: SmtpCatcher
) -> None:
    person = await a_contact(fresh_sessions)
    later = await a_message(
        fresh_sessions, person, Channel.EMAIL, status="scheduled", due_at=in_minutes(60)
    )
    async with channel_senders(smtp, None) as senders:
        sending = dispatcher(fresh_sessions, redis_client, senders)
        assert await sending.dispatch_once() == 0
        async with fresh_sessions() as session, session.begin():
            await session.execute(
                messages.update()
                .where(messages.c.id == later)
                .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
            )
        assert await sending.dispatch_once() == 1
    assert (await row_of(fresh_sessions, later))["status"] == "sent"
    assert len(smtp.mails) == 1


async def test_a_reminder_survives_a_restart_and_fires_once(
    fresh_sessions: Sessions, redis_client: "redis.Redis", smtp: SmtpCatcher
) -> None:
    """A reminder is a row with its instant: a dispatcher that stops before it is due leaves
    it waiting, and the dispatchers that run after the restart send it once between them."""
    person = await a_contact(fresh_sessions)
    reminder = await a_message(
        fresh_sessions, person, Channel.EMAIL, status="scheduled", due_at=in_minutes(0.05)
    )
    async with channel_senders(smtp, None) as senders:
        before = dispatcher(fresh_sessions, redis_client, senders)
        async with running(before):
            pass  # stopped (a deploy) before the reminder is due
        assert (await row_of(fresh_sessions, reminder))["status"] == "scheduled"
        after = [dispatcher(fresh_sessions, redis_client, senders) for _ in range(2)]
        async with running(*after):
            await until(lambda: row_of(fresh_sessions, reminder), lambda r: r["status"] == "sent")
    assert len(smtp.mails) == 1
    assert await history_of(fresh_sessions, reminder) == ["sent"]
