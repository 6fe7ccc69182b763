"""The dispatcher: the worker that sends what is due, once, at the providers' pace.

Each round claims a small batch of due messages (`scheduled` or `queued` with
`next_attempt_at` passed) with `FOR UPDATE SKIP LOCKED`, marking them `sending` with a lease
(`claimed_until`) in the same statement, so any number of dispatchers, in any number of
replicas, never hold one message at once; a dispatcher renews its leases while it works, and
rows whose lease ran out (their dispatcher died) are put back in the queue.

For each claimed message, in order: the person's contact (erased: cancelled), the channel's
preference and quiet hours (`domain.delivery.plan_delivery`), the rendering (at sending time,
from the replicas; None: cancelled), a token of the channel's bucket (`ratelimit`), then the
sender. `Accepted` → `sent`; `Transient` → back to `queued` after a backoff with jitter, and
`failed` (the dead letter, with the reason) after `max_attempts`; `Permanent` → `failed`,
and a WhatsApp or SMS message falls over to the next channel. The inbox is delivered by
keeping the rendered message and announcing it on the person's Redis channel.

Sending happens outside any transaction; each outcome is one short transaction with its
history row and event (`deliveries.change_status`), guarded by the `sending` status, so a
dispatcher whose lease was lost cannot overwrite what another did.
"""

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

import redis.asyncio as redis
from kombel_events.notifications import Channel
from kombel_runtime.backoff import backoff_delay, sleep_unless_stopped
from kombel_runtime.service import ServiceRuntime
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications.channels import senders
from notifications.channels.base import (
    INBOX_STREAM,
    Accepted,
    Outgoing,
    Permanent,
    Rendered,
    Renderer,
    Sender,
    Transient,
)
from notifications.db.tables import channel_preferences, contacts, messages, quiet_hours
from notifications.deliveries import change_status, fall_over, note_status, recipient_from
from notifications.dev_outbox import DevOutbox, dev_outbox_wanted
from notifications.digests.readers import subscribers_as_addressees
from notifications.domain.delivery import (
    CHANNEL_NOT_CONFIGURED,
    NOT_RENDERABLE,
    Defer,
    Drop,
    MessageStatus,
    QuietHours,
    Recipient,
    plan_delivery,
    retry_delay,
)
from notifications.domain.unsubscribe import unsubscribe_token
from notifications.ratelimit import ChannelPace

if TYPE_CHECKING:
    from notifications.app import NotificationsSettings

log = logging.getLogger(__name__)

_CLAIM = text(
    """
    WITH due AS (
        SELECT id, status AS was FROM messages
        WHERE status IN ('scheduled', 'queued') AND next_attempt_at <= now()
          AND (CAST(:channel AS text) IS NULL OR channel = CAST(:channel AS text))
        ORDER BY next_attempt_at
        LIMIT :batch
        FOR UPDATE SKIP LOCKED
    )
    UPDATE messages m
    SET status = 'sending', claimed_until = now() + make_interval(secs => :lease_s),
        updated_at = now()
    FROM due WHERE m.id = due.id
    RETURNING m.*, due.was
    """
)

# Rows whose dispatcher stopped beating (it died mid-batch) go back to the queue. Their send
# may have happened: at least once, as the relay's events are.
_RECLAIM = text(
    """
    UPDATE messages SET status = 'queued', claimed_until = NULL, next_attempt_at = now(),
        updated_at = now()
    WHERE status = 'sending' AND claimed_until < now()
    RETURNING id
    """
)
RECLAIMED = "reclaimed_after_lease"


@dataclass(frozen=True)
class DispatchPolicy:
    """How the dispatcher paces itself; the defaults suit production, tests shrink them."""

    max_attempts: int = 8
    retry_base_s: float = 30.0
    retry_cap_s: float = 3600.0
    batch_size: int = 50
    concurrency: int = 16
    lease_s: float = 120.0
    # How long one message waits for its channel's token before it is given back.
    pace_wait_s: float = 15.0
    idle_wait_s: float = 0.5
    reclaim_every_s: float = 30.0

    @classmethod
    def of(cls, settings: "NotificationsSettings") -> "DispatchPolicy":
        return cls(
            max_attempts=settings.max_attempts,
            retry_base_s=settings.retry_base_s,
            retry_cap_s=settings.retry_cap_s,
        )


def channel_rates(settings: "NotificationsSettings") -> dict[Channel, int]:
    return {
        Channel.EMAIL: settings.email_rate_per_minute,
        Channel.WHATSAPP: settings.whatsapp_rate_per_minute,
        Channel.SMS: settings.sms_rate_per_minute,
    }


@dataclass(frozen=True)
class _Batch:
    """What the claimed messages' recipients chose, read once for the batch."""

    recipients: Mapping[UUID, Recipient]
    enabled: Mapping[tuple[UUID, str], bool]
    quiet: Mapping[UUID, QuietHours]


class Dispatcher:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        redis_client: "redis.Redis",
        senders: Mapping[Channel, Sender],
        renderer: Renderer,
        pace: ChannelPace,
        policy: DispatchPolicy,
        source: str,
        unsubscribe_secret: bytes,
        public_base_url: str,
    ) -> None:
        self._sessions = sessions
        self._redis = redis_client
        self._senders = dict(senders)
        self._renderer = renderer
        self._pace = pace
        self._policy = policy
        self._source = source
        self._unsubscribe_secret = unsubscribe_secret
        self._base_url = public_base_url.rstrip("/")
        self._sending = asyncio.Semaphore(policy.concurrency)

    async def run(self, stopping: asyncio.Event) -> None:
        """Dispatch until `stopping` is set; claimed messages not begun are given back.

        Each channel has its own lane, so email is not held behind WhatsApp's slower pace.
        """
        async with asyncio.TaskGroup() as lanes:
            lanes.create_task(self._keep_going("reclaim", self._reclaiming, stopping))
            for channel in Channel:
                lane = functools.partial(self._lane, channel)
                lanes.create_task(self._keep_going(channel.value, lane, stopping))

    async def _keep_going(
        self,
        name: str,
        work: Callable[[asyncio.Event], Awaitable[None]],
        stopping: asyncio.Event,
    ) -> None:
        """A lane that fails (the database gone for a moment) starts again after a pause,
        without taking the other lanes down."""
        failures = 0
        while not stopping.is_set():
            try:
                await work(stopping)
            except Exception as error:
                failures += 1
                log.warning(
                    "dispatch lane failed, restarting",
                    extra={"lane": name, "error_type": type(error).__name__},
                )
                await sleep_unless_stopped(stopping, backoff_delay(failures, 0.5, cap_s=15.0))

    async def _lane(self, channel: Channel, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            handled = await self.dispatch_once(stopping, channel)
            if handled == 0:
                await sleep_unless_stopped(stopping, self._policy.idle_wait_s)

    async def _reclaiming(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            await self.reclaim()
            await sleep_unless_stopped(stopping, self._policy.reclaim_every_s)

    async def reclaim(self) -> int:
        async with self._sessions() as session, session.begin():
            ids = (await session.execute(_RECLAIM)).scalars().all()
            for message_id in ids:
                await note_status(
                    session, message_id, MessageStatus.QUEUED.value, datetime.now(UTC), RECLAIMED
                )
        if ids:
            log.warning("messages reclaimed from a stopped dispatcher", extra={"count": len(ids)})
        return len(ids)

    async def dispatch_once(
        self, stopping: asyncio.Event | None = None, channel: Channel | None = None
    ) -> int:
        """Claim one batch (of one channel, or any) and see each of its messages through;
        returns how many were claimed."""
        stopping = stopping or asyncio.Event()
        claim = {
            "batch": self._batch_size(channel),
            "lease_s": self._policy.lease_s,
            "channel": channel.value if channel is not None else None,
        }
        async with self._sessions() as session, session.begin():
            claimed = [dict(row) for row in (await session.execute(_CLAIM, claim)).mappings()]
            batch = await self._read_batch(session, claimed) if claimed else None
        if not claimed or batch is None:
            return 0
        held = {row["id"]: MessageStatus(row["was"]) for row in claimed}
        renewing = asyncio.create_task(self._renew(held))
        try:
            await asyncio.gather(
                *(self._see_through(row, batch, held, stopping) for row in claimed)
            )
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            if held:
                await self._give_back(held)
        return len(claimed)

    def _batch_size(self, channel: Channel | None) -> int:
        """No more than the channel's pace lets go while a message may wait for its token,
        so a slow channel's batch is not claimed only to be given back."""
        rate = self._pace.per_second(channel) if channel is not None else None
        if rate is None:
            return self._policy.batch_size
        return max(1, min(self._policy.batch_size, int(rate * self._policy.pace_wait_s)))

    async def _read_batch(
        self, session: AsyncSession, claimed: Sequence[Mapping[str, Any]]
    ) -> _Batch:
        people = list({row["person_id"] for row in claimed})
        found = await session.execute(select(contacts).where(contacts.c.person_id.in_(people)))
        chosen = await session.execute(
            select(channel_preferences).where(channel_preferences.c.person_id.in_(people))
        )
        windows = await session.execute(
            select(quiet_hours).where(quiet_hours.c.person_id.in_(people))
        )
        recipients = {row["person_id"]: recipient_from(dict(row)) for row in found.mappings()}
        # People with no contact may be digest subscribers, reached at their own addresses.
        missing = [person for person in people if person not in recipients]
        recipients.update(await subscribers_as_addressees(session, missing))
        return _Batch(
            recipients=recipients,
            enabled={
                (row["person_id"], row["channel"]): row["enabled"] for row in chosen.mappings()
            },
            quiet={
                row["person_id"]: QuietHours(row["starts"], row["ends"])
                for row in windows.mappings()
            },
        )

    async def _renew(self, held: Mapping[UUID, MessageStatus]) -> None:
        while True:
            await asyncio.sleep(self._policy.lease_s / 3)
            try:
                async with self._sessions() as session, session.begin():
                    await session.execute(
                        update(messages)
                        .where(messages.c.id.in_(list(held)), messages.c.status == "sending")
                        .values(claimed_until=func.now() + timedelta(seconds=self._policy.lease_s))
                    )
            except Exception as error:  # the next beat tries again; a lost lease is reclaimed
                log.warning("lease renewal failed", extra={"error_type": type(error).__name__})

    async def _give_back(self, held: Mapping[UUID, MessageStatus]) -> None:
        """Claimed messages this dispatcher did not begin return as they were."""
        async with self._sessions() as session, session.begin():
            for was in set(held.values()):
                await session.execute(
                    update(messages)
                    .where(
                        messages.c.id.in_([i for i, w in held.items() if w is was]),
                        messages.c.status == "sending",
                    )
                    .values(status=was.value, claimed_until=None, updated_at=func.now())
                )

    async def _see_through(
        self,
        row: Mapping[str, Any],
        batch: _Batch,
        held: dict[UUID, MessageStatus],
        stopping: asyncio.Event,
    ) -> None:
        try:
            done = not stopping.is_set() and await self._deliver(row, batch, stopping)
        except Exception as error:
            # Our own fault (a renderer's bug, a database hiccup): retried like a gateway's,
            # and in the dead letter with its type if it persists.
            log.exception(
                "message could not be dispatched",
                extra={"message_id": str(row["id"]), "error_type": type(error).__name__},
            )
            try:
                await self._retry(row, Transient(f"internal: {type(error).__name__}"))
                done = True
            except Exception:
                return  # its lease runs out and a later round takes it again
        if done:
            held.pop(row["id"], None)

    async def _deliver(
        self, row: Mapping[str, Any], batch: _Batch, stopping: asyncio.Event
    ) -> bool:
        channel = Channel(row["channel"])
        person = row["person_id"]
        plan = plan_delivery(
            channel=channel,
            transactional=row["transactional"],
            now=datetime.now(UTC),
            expires_at=row["expires_at"],
            recipient=batch.recipients.get(person),
            enabled=batch.enabled.get((person, channel.value)),
            quiet=batch.quiet.get(person),
        )
        if isinstance(plan, Drop):
            await self._drop(row, plan.status, plan.reason)
            return True
        if isinstance(plan, Defer):
            await self._wait_until(row, plan.until, "quiet_hours")
            return True
        sender = self._senders.get(channel)
        if channel is not Channel.INBOX and sender is None:
            await self._refused(row, Permanent(CHANNEL_NOT_CONFIGURED), None, batch)
            return True
        async with self._sending, self._sessions() as session:
            rendered = await self._renderer(session, row)
        if rendered is None:
            await self._drop(row, MessageStatus.CANCELLED, NOT_RENDERABLE)
            return True
        if sender is None:
            await self._into_inbox(row, rendered)
            return True
        if not await self._token(channel, stopping):
            if stopping.is_set():
                return False
            # The bucket stayed empty: the message waits in the queue, not in our hands.
            await self._wait_until(row, datetime.now(UTC), "paced")
            return True
        outgoing = Outgoing(
            message_id=str(row["id"]),
            channel=channel,
            address=plan.address or "",
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            unsubscribe_url=self.unsubscribe_url(person, channel),
            images=rendered.images,
        )
        try:
            async with self._sending:
                accepted = await sender.send(outgoing)
        except Transient as failure:
            await self._retry(row, failure)
        except Permanent as refusal:
            await self._refused(row, refusal, rendered, batch)
        else:
            await self._sent(row, accepted, rendered)
        return True

    def unsubscribe_url(self, person_id: UUID, channel: Channel) -> str:
        token = unsubscribe_token(self._unsubscribe_secret, person_id, channel)
        return f"{self._base_url}/notifications/unsubscribe?token={token}"

    async def _token(self, channel: Channel, stopping: asyncio.Event) -> bool:
        """A token of the channel's bucket, asked for in short waits so a stop is heard."""
        waited = 0.0
        while not stopping.is_set() and waited < self._policy.pace_wait_s:
            step = min(1.0, self._policy.pace_wait_s - waited)
            if await self._pace.acquire(channel, step):
                return True
            waited += step
        return False

    async def _sent(self, row: Mapping[str, Any], accepted: Accepted, rendered: Rendered) -> None:
        async with self._sessions() as session, session.begin():
            await change_status(
                session,
                self._source,
                row,
                MessageStatus.SENT,
                attempts=row["attempts"] + 1,
                provider=accepted.provider,
                provider_message_id=accepted.provider_message_id,
                subject=rendered.subject,
                body=rendered.text,
                sent_at=func.now(),
                claimed_until=None,
                failure_reason=None,
            )

    async def _into_inbox(self, row: Mapping[str, Any], rendered: Rendered) -> None:
        async with self._sessions() as session, session.begin():
            stored = await change_status(
                session,
                self._source,
                row,
                MessageStatus.DELIVERED,
                attempts=row["attempts"] + 1,
                provider=Channel.INBOX.value,
                subject=rendered.subject,
                body=rendered.text,
                sent_at=func.now(),
                delivered_at=func.now(),
                claimed_until=None,
            )
        if stored:
            await self._announce(row)

    async def _announce(self, row: Mapping[str, Any]) -> None:
        """Tell the person's open inbox streams; the inbox itself is the record, so a lost
        announcement costs only liveness."""
        payload = json.dumps({"id": str(row["id"]), "rule": row["rule"]})
        try:
            await self._redis.publish(INBOX_STREAM.format(person_id=row["person_id"]), payload)
        except Exception as error:
            log.warning("inbox announcement failed", extra={"error_type": type(error).__name__})

    async def _retry(self, row: Mapping[str, Any], failure: Transient) -> None:
        attempt = row["attempts"] + 1
        async with self._sessions() as session, session.begin():
            if attempt >= self._policy.max_attempts:
                reason = f"gave_up: {failure.reason}"
                await change_status(
                    session,
                    self._source,
                    row,
                    MessageStatus.FAILED,
                    reason=reason,
                    attempts=attempt,
                    failure_reason=reason,
                    claimed_until=None,
                )
                return
            delay = retry_delay(
                attempt, self._policy.retry_base_s, self._policy.retry_cap_s, failure.retry_after_s
            )
            await change_status(
                session,
                self._source,
                row,
                MessageStatus.QUEUED,
                reason=failure.reason,
                publish=False,
                attempts=attempt,
                failure_reason=failure.reason,
                next_attempt_at=func.now() + timedelta(seconds=delay),
                claimed_until=None,
            )

    async def _refused(
        self,
        row: Mapping[str, Any],
        refusal: Permanent,
        rendered: Rendered | None,
        batch: _Batch,
    ) -> None:
        async with self._sessions() as session, session.begin():
            failed = await change_status(
                session,
                self._source,
                row,
                MessageStatus.FAILED,
                reason=refusal.reason,
                attempts=row["attempts"] + (0 if rendered is None else 1),
                failure_reason=refusal.reason,
                claimed_until=None,
            )
            if failed:
                recipient = batch.recipients.get(row["person_id"])
                await fall_over(session, row, recipient, Channel.SMS in self._senders)

    async def _drop(self, row: Mapping[str, Any], status: MessageStatus, reason: str) -> None:
        async with self._sessions() as session, session.begin():
            await change_status(
                session,
                self._source,
                row,
                status,
                reason=reason,
                failure_reason=reason,
                claimed_until=None,
            )

    async def _wait_until(self, row: Mapping[str, Any], until: datetime, why: str) -> None:
        """Back to the queue (or the schedule) until `until`, no attempt spent."""
        was = MessageStatus(row["was"])
        async with self._sessions() as session, session.begin():
            await change_status(
                session,
                self._source,
                row,
                was,
                reason=why,
                publish=False,
                next_attempt_at=until,
                claimed_until=None,
            )


def dispatch_worker(
    renderer_of: "Callable[[NotificationsSettings], Renderer] | None",
) -> Callable[[ServiceRuntime, asyncio.Event], Awaitable[None]]:
    """The dispatcher as a worker of the service's definition. It starts the dev outbox's
    local servers when the settings call for them, and points the channels at them.

    Without a renderer it runs only the dev outbox and leaves messages waiting: the renderer
    (`notifications.rendering.render_message`) is wired into the definition once it exists.
    """

    async def run(runtime: ServiceRuntime, stopping: asyncio.Event) -> None:
        settings = cast("NotificationsSettings", runtime.settings)
        async with contextlib.AsyncExitStack() as stack:
            dev = None
            if dev_outbox_wanted(settings):
                dev = await stack.enter_async_context(
                    DevOutbox.started(
                        runtime.sessions,
                        smtp_port=settings.dev_smtp_port,
                        gateway_port=settings.dev_gateway_port,
                    )
                )
                log.info("dev outbox listening", extra={"smtp": dev.smtp_url})
            channel_senders = senders(settings, dev)
            for sender in channel_senders.values():
                stack.push_async_callback(sender.close)
            if renderer_of is None:
                log.warning("no renderer wired: messages wait until one is")
                await stopping.wait()
                return
            dispatcher = Dispatcher(
                sessions=runtime.sessions,
                redis_client=runtime.redis,
                senders=channel_senders,
                renderer=renderer_of(settings),
                pace=ChannelPace(runtime.redis, channel_rates(settings)),
                policy=DispatchPolicy.of(settings),
                source=runtime.source,
                unsubscribe_secret=settings.unsubscribe_secret.get_secret_value().encode(),
                public_base_url=settings.public_base_url,
            )
            await dispatcher.run(stopping)

    return run
