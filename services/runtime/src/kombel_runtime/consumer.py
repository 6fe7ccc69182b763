"""The consumer runner: idempotent handling with an inbox, retries and dead letters.

For each batch of one partition, the handlers' effects and the inbox rows `(consumer, event_id)`
commit in one transaction, and only then is the Kafka offset committed: a redelivered event finds
its inbox row and changes nothing. If a batch fails, its events are retried one by one with
backoff; an event that still fails goes to the consumer's dead-letter topic with the error in
headers, and the partition moves on.

Handlers take a session and a list of events of one type, in partition order, so a read model
can apply thousands of events a second in a few statements.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from kombel_events import IntegrationEvent, Topic
from opentelemetry import trace
from opentelemetry.metrics import Meter
from opentelemetry.propagate import extract
from opentelemetry.trace import Span, SpanKind
from pydantic import ValidationError
from sqlalchemy import Text, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kombel_runtime.backoff import backoff_delay, sleep_unless_stopped
from kombel_runtime.envelope import Envelope, EnvelopeError
from kombel_runtime.redaction import describe_error

log = logging.getLogger(__name__)

E = TypeVar("E", bound=IntegrationEvent)


@dataclass(frozen=True, slots=True)
class Received(Generic[E]):
    envelope: Envelope
    event: E


Handler = Callable[[AsyncSession, Sequence[Received[Any]]], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    """One event type and the handler that applies a list of them."""

    event: type[IntegrationEvent]
    handler: Handler


@dataclass(frozen=True, slots=True)
class _Item:
    record: ConsumerRecord  # type: ignore[type-arg]
    envelope: Envelope
    event: IntegrationEvent
    subscription: Subscription

    def received(self) -> Received[Any]:
        return Received(self.envelope, self.event)


# One statement with two array parameters, whatever the batch size: the cheapest way to
# insert a thousand inbox rows and learn which of them are new.
_RECORD_IN_INBOX = text(
    """
    INSERT INTO kombel_inbox (consumer, event_id, event_type)
    SELECT :consumer, batch.event_id, batch.event_type
    FROM unnest(:event_ids, :event_types) AS batch(event_id, event_type)
    ON CONFLICT DO NOTHING
    RETURNING event_id
    """
).bindparams(
    bindparam("event_ids", type_=ARRAY(PG_UUID(as_uuid=True))),
    bindparam("event_types", type_=ARRAY(Text)),
)


class _Stopping(Exception):
    """Raised out of a retry loop when the service stops; the offset stays uncommitted."""


class PoisonRecord(Exception):
    """A record that can never be handled: not a CloudEvent, or a payload that does not parse."""


class ConsumerRunner:
    def __init__(
        self,
        *,
        name: str,
        consumer: AIOKafkaConsumer,
        dead_letter_producer: AIOKafkaProducer,
        sessions: async_sessionmaker[AsyncSession],
        subscriptions: Sequence[Subscription],
        tracer: trace.Tracer,
        meter: Meter,
        max_attempts: int = 4,
        retry_base_s: float = 0.2,
    ) -> None:
        self.name = name
        self._consumer = consumer
        self._dead_letters = dead_letter_producer
        self._sessions = sessions
        self._subscriptions = {s.event.event_type: s for s in subscriptions}
        self._tracer = tracer
        self._max_attempts = max_attempts
        self._retry_base_s = retry_base_s
        self._handled = meter.create_counter(
            "kombel.consumer.events_handled", unit="{event}", description="Events applied once"
        )
        self._dead_lettered = meter.create_counter(
            "kombel.consumer.events_dead_lettered",
            unit="{event}",
            description="Events sent to a dead-letter topic",
        )

    @property
    def assigned(self) -> bool:
        """Whether the group has given this consumer its partitions yet."""
        return bool(self._consumer.assignment())

    @staticmethod
    def topics_of(subscriptions: Sequence[Subscription]) -> list[Topic]:
        return list({s.event.topic.name: s.event.topic for s in subscriptions}.values())

    async def run(self, stopping: asyncio.Event) -> None:
        """Consume until `stopping` is set; the batch in hand is finished and committed first."""
        while not stopping.is_set():
            batches = await self._consumer.getmany(timeout_ms=500)
            if not batches:
                continue
            # Records of one partition stay in order; partitions are independent of each other.
            records = [record for found in batches.values() for record in found]
            try:
                await self._handle_batch(records, stopping)
            except _Stopping:
                return  # uncommitted: the batch is delivered again after the restart
            await self._consumer.commit(
                {partition: found[-1].offset + 1 for partition, found in batches.items()}
            )

    async def _handle_batch(
        self,
        records: list[ConsumerRecord],  # type: ignore[type-arg]
        stopping: asyncio.Event,
    ) -> None:
        items: list[_Item] = []
        for record in records:
            try:
                item = self._decode(record)
            except PoisonRecord as error:
                await self._dead_letter(record, error, attempts=1)
                continue
            if item is not None:
                items.append(item)
        if not items:
            return
        spans = self._start_spans(items)
        try:
            await self._apply(items)
        except Exception as error:
            log.warning(
                "batch failed, retrying its events one by one",
                extra={"consumer": self.name, "error_type": type(error).__name__},
            )
            for item in items:
                await self._apply_alone(item, spans[_trace_key(item)], stopping)
        finally:
            for span in spans.values():
                span.end()

    def _decode(self, record: ConsumerRecord) -> _Item | None:  # type: ignore[type-arg]
        try:
            envelope = Envelope.from_kafka(record.headers, record.value)
        except EnvelopeError as error:
            raise PoisonRecord(str(error)) from error
        subscription = self._subscriptions.get(envelope.type)
        if subscription is None:
            return None  # an event type this consumer does not follow
        try:
            event = subscription.event.model_validate_json(envelope.data)
        except ValidationError as error:
            raise PoisonRecord(describe_error(error)) from error
        return _Item(record, envelope, event, subscription)

    async def _apply(self, items: Sequence[_Item]) -> None:
        """Apply the new events of `items` and record them in the inbox, in one transaction."""
        async with self._sessions() as session, session.begin():
            inserted = await session.execute(
                _RECORD_IN_INBOX,
                {
                    "consumer": self.name,
                    "event_ids": [i.envelope.id for i in items],
                    "event_types": [i.envelope.type for i in items],
                },
            )
            fresh = set(inserted.scalars())
            handled = len(fresh)
            run: list[_Item] = []
            for item in items:
                if item.envelope.id not in fresh:
                    continue
                fresh.discard(item.envelope.id)  # the same event twice in one batch counts once
                if run and run[-1].subscription is not item.subscription:
                    await self._call(session, run)
                    run = []
                run.append(item)
            if run:
                await self._call(session, run)
        self._handled.add(handled, {"consumer": self.name})

    async def _call(self, session: AsyncSession, run: list[_Item]) -> None:
        await run[0].subscription.handler(session, [item.received() for item in run])

    async def _apply_alone(self, item: _Item, span: Span, stopping: asyncio.Event) -> None:
        for attempt in range(1, self._max_attempts + 1):
            try:
                await self._apply([item])
                return
            except Exception as error:
                span.record_exception(error)
                if stopping.is_set():
                    raise _Stopping from error
                if attempt == self._max_attempts:
                    span.set_status(trace.StatusCode.ERROR)
                    await self._dead_letter(item.record, error, attempts=attempt)
                    return
                await sleep_unless_stopped(stopping, backoff_delay(attempt, self._retry_base_s))

    def _start_spans(self, items: Sequence[_Item]) -> dict[tuple[str | None, str | None], Span]:
        """One process span per creation context in the batch, a child of that context.

        An event from a request gets its own span in the request's trace; the many events of
        one bulk job that arrive together share one span, which keeps tracing cheap at
        thousands of events a second.
        """
        groups: dict[tuple[str | None, str | None], list[_Item]] = {}
        for item in items:
            groups.setdefault(_trace_key(item), []).append(item)
        spans = {}
        for (traceparent, tracestate), group in groups.items():
            attributes: dict[str, str | int] = {
                "messaging.system": "kafka",
                "messaging.destination.name": group[0].record.topic,
                "messaging.consumer.group.name": self.name,
            }
            if len(group) == 1:
                attributes["messaging.message.id"] = str(group[0].envelope.id)
            else:
                attributes["messaging.batch.message_count"] = len(group)
            spans[(traceparent, tracestate)] = self._tracer.start_span(
                f"{group[0].record.topic} process",
                context=extract({"traceparent": traceparent or "", "tracestate": tracestate or ""}),
                kind=SpanKind.CONSUMER,
                attributes=attributes,
            )
        return spans

    async def _dead_letter(
        self,
        record: ConsumerRecord,  # type: ignore[type-arg]
        error: BaseException,
        attempts: int,
    ) -> None:
        topic = Topic(record.topic).dead_letter(self.name)
        headers = [*record.headers, *dead_letter_headers(record, self.name, error, attempts)]
        await (
            await self._dead_letters.send(
                topic.name, value=record.value, key=record.key, headers=headers
            )
        )
        self._dead_lettered.add(1, {"consumer": self.name})
        log.error(
            "event sent to the dead-letter topic",
            extra={
                "consumer": self.name,
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "dead_letter_topic": topic.name,
                "error_type": type(error).__name__,
            },
        )


def _trace_key(item: _Item) -> tuple[str | None, str | None]:
    return item.envelope.traceparent, item.envelope.tracestate


DLT_PREFIX = "kombel_dlt_"


def dead_letter_headers(
    record: ConsumerRecord,  # type: ignore[type-arg]
    consumer: str,
    error: BaseException,
    attempts: int,
) -> list[tuple[str, bytes]]:
    values = {
        "consumer": consumer,
        "original_topic": record.topic,
        "original_partition": str(record.partition),
        "original_offset": str(record.offset),
        "error_type": type(error).__name__,
        "error_message": describe_error(error),
        "attempts": str(attempts),
        "failed_at": datetime.now(UTC).isoformat(),
    }
    return [(DLT_PREFIX + name, value.encode()) for name, value in values.items()]
