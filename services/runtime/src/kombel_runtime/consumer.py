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
from opentelemetry.propagate import extract
from opentelemetry.trace import Span, SpanKind
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kombel_runtime.backoff import backoff_delay, sleep_unless_stopped
from kombel_runtime.envelope import Envelope, EnvelopeError
from kombel_runtime.messaging_tables import inbox
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


# Executed with many parameter sets, so SQLAlchemy compiles it once and batches the rows.
_RECORD_IN_INBOX = insert(inbox).on_conflict_do_nothing().returning(inbox.c.event_id)


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
        self.handled_total = 0
        self.dead_lettered_total = 0

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
        spans = [self._start_span(item) for item in items]
        try:
            await self._apply(items)
        except Exception as error:
            log.warning(
                "batch failed, retrying its events one by one",
                extra={"consumer": self.name, "error_type": type(error).__name__},
            )
            for item, span in zip(items, spans, strict=True):
                await self._apply_alone(item, span, stopping)
        finally:
            for span in spans:
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
                [
                    {
                        "consumer": self.name,
                        "event_id": i.envelope.id,
                        "event_type": i.envelope.type,
                    }
                    for i in items
                ],
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
        self.handled_total += handled

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

    def _start_span(self, item: _Item) -> Span:
        parent = extract(
            {
                "traceparent": item.envelope.traceparent or "",
                "tracestate": item.envelope.tracestate or "",
            }
        )
        return self._tracer.start_span(
            f"{item.record.topic} process",
            context=parent,
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": item.record.topic,
                "messaging.consumer.group.name": self.name,
                "messaging.operation.type": "process",
                "messaging.message.id": str(item.envelope.id),
                "messaging.kafka.offset": item.record.offset,
                "cloudevents.event_type": item.envelope.type,
            },
        )

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
        self.dead_lettered_total += 1
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
