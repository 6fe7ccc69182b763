"""What the dispatcher tests set up: contacts and messages written as the planner writes them
(until its rules exist), a tiny renderer, and dispatchers on small numbers so tests are fast."""

import asyncio
import contextlib
import io
import json
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import redis.asyncio as redis
import segno
from kombel_events.notifications import Channel
from kombel_runtime.ids import uuid7
from kombel_runtime.messaging_tables import outbox
from kombel_runtime.testing.harness import eventually
from notifications.channels.base import Rendered, Sender
from notifications.channels.email import EmailSender
from notifications.channels.whatsapp import FONNTE, GatewaySender, gateway_profile
from notifications.db.tables import contacts, message_statuses, messages
from notifications.dispatch import Dispatcher, DispatchPolicy
from notifications.ratelimit import ChannelPace
from notifications.testing import GatewayRecorder, SmtpCatcher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

Sessions = async_sessionmaker[AsyncSession]
T = TypeVar("T")

FAST = DispatchPolicy(
    max_attempts=6,
    retry_base_s=0.05,
    retry_cap_s=0.3,
    batch_size=50,
    concurrency=8,
    lease_s=3.0,
    pace_wait_s=1.0,
    idle_wait_s=0.02,
    reclaim_every_s=0.2,
)
# Fast enough that pacing never shows in tests that are not about it.
UNPACED = {Channel.EMAIL: 60_000, Channel.WHATSAPP: 60_000, Channel.SMS: 60_000}


def qr_png() -> bytes:
    buffer = io.BytesIO()
    segno.make("KOMBEL-TIKET-UJI").save(buffer, kind="png", scale=2)
    return buffer.getvalue()


async def render(session: AsyncSession, message: Mapping[str, Any]) -> Rendered | None:
    """A tiny renderer: the rule's name in a sentence, the QR of a ticket inline; None for
    rules named `gone_*` (what the message was about is gone)."""
    rule = message["rule"]
    if rule.startswith("gone_"):
        return None
    return Rendered(
        subject=f"Uji: {rule}",
        text=f"Halo, ini pesan {rule}.",
        html=f'<p>Halo, ini pesan <b>{rule}</b>.</p><img src="cid:qr" alt="QR">',
        images={"qr": qr_png()},
    )


def phone() -> str:
    return "+62812" + "".join(secrets.choice("0123456789") for _ in range(7))


async def a_contact(
    sessions: Sessions,
    *,
    email: str | None = "",
    phone_number: str | None = "",
    timezone: str = "WIB",
    erased: bool = False,
) -> uuid.UUID:
    person_id = uuid.uuid4()
    async with sessions() as session, session.begin():
        await session.execute(
            contacts.insert().values(
                person_id=person_id,
                full_name="Guru Uji",
                email=f"guru.{person_id.hex[:8]}@contoh.sch.id" if email == "" else email,
                phone=phone() if phone_number == "" else phone_number,
                timezone=timezone,
                erased_at=datetime.now(UTC) if erased else None,
                version=uuid.uuid4(),
            )
        )
    return person_id


async def a_message(
    sessions: Sessions,
    person_id: uuid.UUID,
    channel: Channel,
    *,
    rule: str = "registration_confirmed",
    transactional: bool = False,
    status: str = "queued",
    event_key: str | None = None,
    due_at: datetime | None = None,
    expires_at: datetime | None = None,
) -> uuid.UUID:
    message_id = uuid7()
    due = due_at or datetime.now(UTC)
    async with sessions() as session, session.begin():
        await session.execute(
            messages.insert().values(
                id=message_id,
                event_key=event_key or str(uuid.uuid4()),
                person_id=person_id,
                channel=channel.value,
                rule=rule,
                transactional=transactional,
                status=status,
                due_at=due,
                next_attempt_at=due,
                expires_at=expires_at,
            )
        )
    return message_id


async def a_crowd(sessions: Sessions, count: int, *channels: Channel) -> list[uuid.UUID]:
    """`count` people, each with a message waiting on every one of `channels`."""
    people = [await a_contact(sessions) for _ in range(count)]
    for person in people:
        for channel in channels:
            await a_message(sessions, person, channel)
    return people


async def phone_of(sessions: Sessions, person_id: uuid.UUID) -> str:
    async with sessions() as session:
        found = await session.scalar(
            select(contacts.c.phone).where(contacts.c.person_id == person_id)
        )
    assert found is not None
    return str(found)


async def row_of(sessions: Sessions, message_id: uuid.UUID) -> dict[str, Any]:
    async with sessions() as session:
        found = await session.execute(select(messages).where(messages.c.id == message_id))
        return dict(found.mappings().one())


async def rows_of(sessions: Sessions, *where: Any) -> list[dict[str, Any]]:
    async with sessions() as session:
        found = await session.execute(select(messages).where(*where).order_by(messages.c.id))
        return [dict(row) for row in found.mappings()]


async def history_of(sessions: Sessions, message_id: uuid.UUID) -> list[str]:
    async with sessions() as session:
        found = await session.execute(
            select(message_statuses.c.status)
            .where(message_statuses.c.message_id == message_id)
            .order_by(message_statuses.c.id)
        )
        return list(found.scalars())


async def events_of(sessions: Sessions, message_id: uuid.UUID) -> list[dict[str, Any]]:
    """The `MessageStatusChanged` events of a message waiting in the outbox, in order."""
    async with sessions() as session:
        found = await session.execute(
            select(outbox.c.data).where(outbox.c.subject == str(message_id)).order_by(outbox.c.id)
        )
        return [json.loads(data) for data in found.scalars()]


def dispatcher(
    sessions: Sessions,
    redis_client: "redis.Redis",
    senders: Mapping[Channel, Sender],
    *,
    policy: DispatchPolicy = FAST,
    rates: Mapping[Channel, int] = UNPACED,
    namespace: str | None = None,
) -> Dispatcher:
    """A dispatcher with the tiny renderer; its buckets are its test's own unless two
    dispatchers are given the same `namespace`."""
    return Dispatcher(
        sessions=sessions,
        redis_client=redis_client,
        senders=senders,
        renderer=render,
        pace=ChannelPace(
            redis_client, rates, namespace=namespace or f"test-{secrets.token_hex(4)}"
        ),
        policy=policy,
        source="/kombel/notifications",
        unsubscribe_secret=b"test-unsubscribe-secret",
        public_base_url="http://kombel.test",
    )


@contextlib.asynccontextmanager
async def running(*dispatchers: Dispatcher) -> AsyncIterator[None]:
    """The dispatchers' loops until the block ends."""
    stopping = asyncio.Event()
    tasks = [asyncio.create_task(d.run(stopping)) for d in dispatchers]
    try:
        yield
    finally:
        stopping.set()
        await asyncio.gather(*tasks)


async def until(
    probe: Callable[[], Awaitable[T]], accept: Callable[[T], bool], timeout_s: float = 30
) -> T:
    return await eventually(probe, accept, timeout_s=timeout_s, interval_s=0.05)


def settled(rows: Sequence[Mapping[str, Any]]) -> bool:
    """Every message past the dispatcher (none waiting, none in a dispatcher's hands)."""
    return bool(rows) and all(
        row["status"] not in ("scheduled", "queued", "sending") for row in rows
    )


def in_minutes(minutes: float) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


@contextlib.asynccontextmanager
async def channel_senders(
    smtp: SmtpCatcher | None,
    gateway: GatewayRecorder | None,
    *,
    sms: bool = False,
) -> AsyncIterator[dict[Channel, Sender]]:
    """Senders to the test servers: email to `smtp`, WhatsApp (and SMS) to `gateway`."""
    found: dict[Channel, Sender] = {}
    if smtp is not None:
        found[Channel.EMAIL] = EmailSender(smtp.url, "Kombel <no-reply@kombel.test>")
    if gateway is not None:
        profile = gateway_profile(FONNTE, gateway.url, "token-uji")
        found[Channel.WHATSAPP] = GatewaySender(Channel.WHATSAPP, profile)
        if sms:
            sms_profile = gateway_profile(FONNTE, f"{gateway.url}/sms", "token-sms")
            found[Channel.SMS] = GatewaySender(Channel.SMS, sms_profile)
    try:
        yield found
    finally:
        for sender in found.values():
            await sender.close()
