"""The dispatcher when things go wrong, against real servers: a gateway down for a while, one
that never comes back, a number it refuses, two dispatchers at once, a burst larger than the
provider's pace, a dispatcher that died holding messages."""

import asyncio
import dataclasses
import secrets
from collections import Counter
from datetime import UTC, datetime, timedelta

import redis.asyncio as redis
from kombel_events.notifications import Channel
from kombel_runtime.database import create_engine, session_factory
from notifications.db.tables import messages
from notifications.ratelimit import ChannelPace
from notifications.testing import GatewayRecorder, SmtpCatcher
from sqlalchemy import update

from .delivery_fixtures import (
    FAST,
    Sessions,
    a_contact,
    a_crowd,
    a_message,
    channel_senders,
    dispatcher,
    events_of,
    history_of,
    phone_of,
    rows_of,
    running,
    settled,
    until,
)


async def test_a_gateway_answering_500_for_a_while_loses_nothing_and_doubles_nothing(
    fresh_sessions: Sessions, redis_client: "redis.Redis", gateway: GatewayRecorder
) -> None:
    await a_crowd(fresh_sessions, 30, Channel.WHATSAPP)
    patient = dataclasses.replace(FAST, max_attempts=50, retry_cap_s=0.2)
    gateway.fail(500)
    async with (
        channel_senders(None, gateway) as senders,
        running(dispatcher(fresh_sessions, redis_client, senders, policy=patient)),
    ):
        # Every message met the outage, most of them more than once.
        await until(lambda: asyncio.sleep(0, gateway.asked), lambda asked: asked >= 90)
        gateway.recover()
        rows = await until(lambda: rows_of(fresh_sessions), settled)
    assert {row["status"] for row in rows} == {"sent"}
    assert len(gateway.calls) == 30
    assert set(gateway.taken().values()) == {1}
    assert all(row["attempts"] >= 2 for row in rows)
    history = await history_of(fresh_sessions, rows[0]["id"])
    assert history[-1] == "sent"
    assert set(history[:-1]) == {"queued"}
    # Retries are the dispatcher's own business: readers see the message sent, once.
    assert [e["status"] for e in await events_of(fresh_sessions, rows[0]["id"])] == ["sent"]


async def test_after_its_last_attempt_a_message_is_dead_lettered_with_the_reason(
    fresh_sessions: Sessions, redis_client: "redis.Redis", gateway: GatewayRecorder
) -> None:
    person = await a_contact(fresh_sessions)
    message = await a_message(fresh_sessions, person, Channel.WHATSAPP)
    gateway.fail(503)
    async with channel_senders(None, gateway) as senders:
        brief = dataclasses.replace(FAST, max_attempts=3)
        async with running(dispatcher(fresh_sessions, redis_client, senders, policy=brief)):
            (row,) = await until(lambda: rows_of(fresh_sessions), settled)
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert row["failure_reason"] == "gave_up: fonnte: gateway error 503"
    (event,) = await events_of(fresh_sessions, message)
    assert (event["status"], event["reason"]) == ("failed", row["failure_reason"])
    assert gateway.asked == 3


async def test_a_refused_whatsapp_number_falls_over_to_sms_where_there_is_a_gateway(
    fresh_sessions: Sessions,
    redis_client: "redis.Redis",
    smtp: SmtpCatcher,
    gateway: GatewayRecorder,
) -> None:
    person = await a_contact(fresh_sessions)
    await a_message(fresh_sessions, person, Channel.WHATSAPP, transactional=True)
    gateway.refuse(await phone_of(fresh_sessions, person))
    async with (
        channel_senders(smtp, gateway, sms=True) as senders,
        running(dispatcher(fresh_sessions, redis_client, senders)),
    ):
        rows = await until(lambda: rows_of(fresh_sessions), lambda r: len(r) == 3 and settled(r))
    first, fallback, last = rows
    assert (first["status"], first["failure_reason"]) == ("failed", "fonnte: target invalid")
    assert (fallback["channel"], fallback["status"]) == ("sms", "failed")  # same number
    assert fallback["fallback_of"] == first["id"]
    assert fallback["event_key"] == first["event_key"]
    assert fallback["transactional"] is True
    # The SMS gateway refused it too (one recorder plays both), so email was the last resort.
    assert last["fallback_of"] == fallback["id"]
    assert (last["channel"], last["status"]) == ("email", "sent")
    assert len(smtp.mails) == 1


async def test_without_sms_a_refused_number_falls_over_to_email_once_per_event(
    fresh_sessions: Sessions,
    redis_client: "redis.Redis",
    smtp: SmtpCatcher,
    gateway: GatewayRecorder,
) -> None:
    alone = await a_contact(fresh_sessions)
    both = await a_contact(fresh_sessions)
    await a_message(fresh_sessions, alone, Channel.WHATSAPP, event_key="event-1")
    await a_message(fresh_sessions, both, Channel.WHATSAPP, event_key="event-2")
    await a_message(fresh_sessions, both, Channel.EMAIL, event_key="event-2")
    for person in (alone, both):
        gateway.refuse(await phone_of(fresh_sessions, person))
    async with (
        channel_senders(smtp, gateway) as senders,
        running(dispatcher(fresh_sessions, redis_client, senders)),
    ):
        rows = await until(lambda: rows_of(fresh_sessions), lambda r: len(r) == 4 and settled(r))
    by_channel = Counter((row["person_id"], row["channel"], row["status"]) for row in rows)
    assert by_channel == {
        (alone, "whatsapp", "failed"): 1,
        (alone, "email", "sent"): 1,
        (both, "whatsapp", "failed"): 1,
        (both, "email", "sent"): 1,  # the one planned already: no second email
    }
    assert Counter(mail.recipients[0] for mail in smtp.mails).most_common(1)[0][1] == 1


async def test_two_dispatchers_on_one_database_never_send_a_message_twice(
    fresh_sessions: Sessions,
    redis_client: "redis.Redis",
    smtp: SmtpCatcher,
    gateway: GatewayRecorder,
) -> None:
    await a_crowd(fresh_sessions, 60, Channel.WHATSAPP, Channel.EMAIL)
    # The second dispatcher has its own engine, as another replica would.
    bind = fresh_sessions.kw["bind"]
    engine = create_engine(bind.url.render_as_string(hide_password=False), pool_size=4)
    small = dataclasses.replace(FAST, batch_size=7)
    try:
        async with (
            channel_senders(smtp, gateway) as one,
            channel_senders(smtp, gateway) as other,
        ):
            first = dispatcher(fresh_sessions, redis_client, one, policy=small)
            second = dispatcher(session_factory(engine), redis_client, other, policy=small)
            async with running(first, second):
                rows = await until(lambda: rows_of(fresh_sessions), settled)
    finally:
        await engine.dispose()
    assert {row["status"] for row in rows} == {"sent"}
    assert len(gateway.calls) == 60
    assert set(gateway.taken().values()) == {1}
    assert len(smtp.mails) == 60
    assert set(Counter(mail.recipients for mail in smtp.mails).values()) == {1}


async def test_the_channels_pace_spreads_a_burst_across_dispatchers(
    fresh_sessions: Sessions, redis_client: "redis.Redis", gateway: GatewayRecorder
) -> None:
    await a_crowd(fresh_sessions, 10, Channel.WHATSAPP)
    pace = {Channel.WHATSAPP: 240}  # four a second, a bucket of four
    shared = f"test-{secrets.token_hex(4)}"
    async with channel_senders(None, gateway) as one, channel_senders(None, gateway) as other:
        dispatchers = [
            dispatcher(fresh_sessions, redis_client, s, rates=pace, namespace=shared)
            for s in (one, other)
        ]
        async with running(*dispatchers):
            await until(lambda: rows_of(fresh_sessions), settled)
    assert len(gateway.calls) == 10
    assert set(gateway.taken().values()) == {1}
    # Never faster than the pace: any n messages in a row, beyond the bucket's four, took
    # a quarter second each (less a little for the way from bucket to gateway).
    taken = sorted(gateway.taken_at)
    for first in range(10):
        for last in range(first + 4, 10):
            assert taken[last] - taken[first] >= (last - first + 1 - 4) / 4 - 0.1


async def test_a_message_left_sending_by_a_dead_dispatcher_is_sent_by_another(
    fresh_sessions: Sessions, redis_client: "redis.Redis", smtp: SmtpCatcher
) -> None:
    person = await a_contact(fresh_sessions)
    stuck = await a_message(fresh_sessions, person, Channel.EMAIL)
    async with fresh_sessions() as session, session.begin():
        await session.execute(
            update(messages)
            .where(messages.c.id == stuck)
            .values(status="sending", claimed_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    async with (
        channel_senders(smtp, None) as senders,
        running(dispatcher(fresh_sessions, redis_client, senders)),
    ):
        (row,) = await until(lambda: rows_of(fresh_sessions), settled)
    assert row["status"] == "sent"
    assert await history_of(fresh_sessions, stuck) == ["queued", "sent"]
    assert len(smtp.mails) == 1


async def test_a_stopping_dispatcher_gives_back_what_it_has_not_begun(
    fresh_sessions: Sessions, redis_client: "redis.Redis", gateway: GatewayRecorder
) -> None:
    await a_crowd(fresh_sessions, 3, Channel.WHATSAPP)
    slow = {Channel.WHATSAPP: 1}  # one a minute: the others wait for their tokens
    waiting = dataclasses.replace(FAST, pace_wait_s=60.0)
    async with channel_senders(None, gateway) as senders:
        paced = dispatcher(fresh_sessions, redis_client, senders, rates=slow, policy=waiting)
        async with running(paced):
            await until(lambda: asyncio.sleep(0, len(gateway.calls)), lambda n: n == 1)
    statuses = Counter(row["status"] for row in await rows_of(fresh_sessions))
    assert statuses == {"sent": 1, "queued": 2}
    assert all(
        row["attempts"] == 0 for row in await rows_of(fresh_sessions, messages.c.status == "queued")
    )


async def test_a_token_is_waited_for_only_so_long(redis_client: "redis.Redis") -> None:
    pace = ChannelPace(redis_client, {Channel.SMS: 1}, namespace=f"test-{secrets.token_hex(4)}")
    assert await pace.acquire(Channel.SMS, 0.1)
    assert not await pace.acquire(Channel.SMS, 0.2)  # the next one comes in a minute
    assert await pace.acquire(Channel.INBOX, 0)  # the inbox has no pace


async def test_a_batch_slower_than_its_lease_keeps_its_claim(
    fresh_sessions: Sessions, redis_client: "redis.Redis", gateway: GatewayRecorder
) -> None:
    await a_crowd(fresh_sessions, 3, Channel.WHATSAPP)
    # One a second, a lease of 0.6 s: the batch outlives its first lease several times,
    # while the other dispatcher looks for lapsed leases five times a second.
    short = dataclasses.replace(FAST, lease_s=0.6, pace_wait_s=5.0, reclaim_every_s=0.2)
    shared = f"test-{secrets.token_hex(4)}"
    pace = {Channel.WHATSAPP: 60}
    async with channel_senders(None, gateway) as one, channel_senders(None, gateway) as other:
        first, watcher = (
            dispatcher(fresh_sessions, redis_client, s, policy=short, rates=pace, namespace=shared)
            for s in (one, other)
        )
        holding = asyncio.create_task(first.dispatch_once(channel=Channel.WHATSAPP))
        await until(lambda: asyncio.sleep(0, len(gateway.calls)), lambda sent: sent >= 1)
        async with running(watcher):
            assert await holding == 3
            rows = await until(lambda: rows_of(fresh_sessions), settled)
    assert {row["status"] for row in rows} == {"sent"}
    assert len(gateway.calls) == 3
    assert set(gateway.taken().values()) == {1}
