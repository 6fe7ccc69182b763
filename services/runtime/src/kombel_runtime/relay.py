"""The outbox relay: publishes committed outbox rows to Kafka and marks them published.

It wakes on PostgreSQL NOTIFY (a trigger on the outbox) and polls as a fallback. A batch is
claimed with `FOR UPDATE SKIP LOCKED` inside lanes this relay holds an advisory lock on, so
several relays can run while each key keeps its order. Rows are marked published only after the
broker acknowledged every record of the batch (acks=all); a failure rolls the batch back and it
is retried with backoff, so nothing is lost (a retry may publish a record twice; consumers are
idempotent).
"""

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from opentelemetry import trace
from opentelemetry.metrics import Meter
from opentelemetry.propagate import extract
from opentelemetry.trace import Link, SpanContext, SpanKind
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from kombel_runtime.backoff import backoff_delay, sleep_unless_stopped
from kombel_runtime.envelope import Envelope
from kombel_runtime.locks import RELAY_LANES
from kombel_runtime.messaging_tables import LANES, NOTIFY_CHANNEL
from kombel_runtime.partitioning import partition_for

log = logging.getLogger(__name__)

_MAX_LINKS = 128  # the SDK's default limit of links per span

# The relay talks to asyncpg directly: at thousands of rows a second, result processing in
# the ORM layer would cost more than the claim itself.
_CLAIM = """
    SELECT id, event_id, event_type, topic, key, source, subject, occurred_at, data,
           traceparent, tracestate
    FROM kombel_outbox
    WHERE published_at IS NULL
      AND lane = ANY(ARRAY(
        SELECT lane::smallint FROM generate_series(0, $1 - 1) AS lane
        WHERE pg_try_advisory_xact_lock($2, lane)
      ))
    ORDER BY id
    LIMIT $3
    FOR UPDATE SKIP LOCKED
"""
_MARK_PUBLISHED = "UPDATE kombel_outbox SET published_at = now() WHERE id = ANY($1::bigint[])"
# Published rows are kept a while (to answer "did event X leave?"), then deleted in batches.
_PRUNE = """
    DELETE FROM kombel_outbox WHERE id IN (
        SELECT id FROM kombel_outbox
        WHERE published_at < now() - make_interval(secs => $1)
        LIMIT $2
        FOR UPDATE SKIP LOCKED
    )
"""
_PRUNE_BATCH = 10_000
_LAG = text(
    "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0) "
    "FROM kombel_outbox WHERE published_at IS NULL"
)


class OutboxRelay:
    def __init__(
        self,
        *,
        engine: AsyncEngine,
        listen_dsn: str,
        producer: AIOKafkaProducer,
        tracer: trace.Tracer,
        meter: Meter,
        batch_size: int = 1000,
        poll_interval_s: float = 1.0,
        retry_base_s: float = 0.2,
        retention_s: float = 86_400.0,
        prune_interval_s: float = 60.0,
    ) -> None:
        self._engine = engine
        self._listen_dsn = listen_dsn
        self._producer = producer
        self._tracer = tracer
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._retry_base_s = retry_base_s
        self._retention_s = retention_s
        self._prune_interval_s = prune_interval_s
        self._next_prune = 0.0
        self._wake = asyncio.Event()
        self._published = meter.create_counter(
            "kombel.relay.events_published", unit="{event}", description="Outbox rows published"
        )

    async def run(self, stopping: asyncio.Event) -> None:
        """Publish until `stopping` is set; the batch in flight is finished first."""
        listener = asyncio.create_task(self._listen(stopping), name="outbox-listen")
        failures = 0
        try:
            while not stopping.is_set():
                try:
                    published = await self.publish_batch()
                    failures = 0
                except Exception as error:
                    failures += 1
                    delay = backoff_delay(failures, self._retry_base_s, cap_s=5.0)
                    log.warning(
                        "outbox publish failed, retrying",
                        extra={"error_type": type(error).__name__, "retry_in_s": round(delay, 2)},
                    )
                    await sleep_unless_stopped(stopping, delay)
                    continue
                if published < self._batch_size:
                    await self._prune_when_due()
                    await self._wait_for_work(stopping)
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    async def publish_batch(self) -> int:
        """Claim, publish and mark one batch; returns how many rows were published."""
        async with self._engine.begin() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            assert raw is not None
            rows = await raw.fetch(_CLAIM, LANES, RELAY_LANES.namespace, self._batch_size)
            if not rows:
                return 0
            await self._publish(rows)
            await raw.execute(_MARK_PUBLISHED, [row["id"] for row in rows])
        self._published.add(len(rows))
        return len(rows)

    async def prune(self) -> int:
        """Delete rows published longer ago than the retention; returns how many."""
        deleted = 0
        async with self._engine.connect() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            assert raw is not None
            while True:
                status = await raw.execute(_PRUNE, self._retention_s, _PRUNE_BATCH)
                count = int(status.split()[-1])
                deleted += count
                if count < _PRUNE_BATCH:
                    return deleted

    async def _prune_when_due(self) -> None:
        now = asyncio.get_running_loop().time()
        if now < self._next_prune:
            return
        self._next_prune = now + self._prune_interval_s
        try:
            await self.prune()
        except Exception as error:  # pruning is housekeeping: the next round tries again
            log.warning("outbox prune failed", extra={"error_type": type(error).__name__})

    async def _publish(self, rows: Sequence[asyncpg.Record]) -> None:
        """Send the rows and wait for every acknowledgement.

        Each record carries the trace context of the transaction that created it (its creation
        context), so the consumer's span joins the request's trace. The publish span covers the
        batch of one topic and links to the creation contexts, as OpenTelemetry's messaging
        conventions describe for batches; a span per record would cost more than the send.
        """
        by_topic: dict[str, list[asyncpg.Record]] = {}
        for row in rows:
            by_topic.setdefault(row["topic"], []).append(row)
        for topic, topic_rows in by_topic.items():
            links = [
                Link(context)
                for row in topic_rows[:_MAX_LINKS]
                if (context := _creation_context(row)) is not None
            ]
            with self._tracer.start_as_current_span(
                f"{topic} publish",
                kind=SpanKind.PRODUCER,
                links=links,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.destination.name": topic,
                    "messaging.operation.type": "publish",
                    "messaging.batch.message_count": len(topic_rows),
                },
            ):
                await asyncio.gather(*await self._send_batches(topic, topic_rows))

    async def _send_batches(
        self, topic: str, rows: list[asyncpg.Record]
    ) -> list[asyncio.Future[Any]]:
        """Records go out as whole batches per partition, placed as the Java client's default
        partitioner places them (murmur2 of the key): far cheaper than one send per record."""
        partitions = sorted(await self._producer.partitions_for(topic))
        by_partition: dict[int, list[asyncpg.Record]] = {}
        for row in rows:
            key = row["key"].encode()
            by_partition.setdefault(partition_for(key, partitions), []).append(row)
        deliveries = []
        for partition, partition_rows in by_partition.items():
            batch = self._producer.create_batch()
            for row in partition_rows:
                headers = Envelope(
                    id=row["event_id"],
                    type=row["event_type"],
                    source=row["source"],
                    subject=row["subject"],
                    time=row["occurred_at"],
                    data=row["data"],
                    traceparent=row["traceparent"],
                    tracestate=row["tracestate"],
                ).kafka_headers()
                record = {
                    "key": row["key"].encode(),
                    "value": row["data"],
                    "timestamp": None,
                    "headers": headers,
                }
                if batch.append(**record) is None:  # full: send it and start the next
                    deliveries.append(
                        await self._producer.send_batch(batch, topic, partition=partition)
                    )
                    batch = self._producer.create_batch()
                    batch.append(**record)
            deliveries.append(await self._producer.send_batch(batch, topic, partition=partition))
        return deliveries

    async def lag(self) -> tuple[int, float]:
        """Unpublished rows and the age in seconds of the oldest one."""
        async with self._engine.connect() as connection:
            count, age = (await connection.execute(_LAG)).one()
        return int(count), float(age)

    async def _wait_for_work(self, stopping: asyncio.Event) -> None:
        self._wake.clear()
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stopping.wait())]
        try:
            await asyncio.wait(
                waiters, timeout=self._poll_interval_s, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _listen(self, stopping: asyncio.Event) -> None:
        """Keep a LISTEN connection open; when it breaks, the poll covers until it is back."""
        attempt = 0
        while not stopping.is_set():
            connection: asyncpg.Connection | None = None
            try:
                connection = await asyncpg.connect(self._listen_dsn)
                await connection.add_listener(NOTIFY_CHANNEL, lambda *_: self._wake.set())
                attempt = 0
                self._wake.set()  # rows may have arrived while we were not listening
                while not stopping.is_set() and not connection.is_closed():
                    await sleep_unless_stopped(stopping, 5.0)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                attempt += 1
                log.warning("outbox listener lost", extra={"error_type": type(error).__name__})
                await sleep_unless_stopped(stopping, backoff_delay(attempt, 0.5, cap_s=10.0))
            finally:
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await connection.close(timeout=2)


def _creation_context(row: asyncpg.Record) -> SpanContext | None:
    if not row["traceparent"]:
        return None
    carrier = {"traceparent": row["traceparent"], "tracestate": row["tracestate"] or ""}
    context = trace.get_current_span(extract(carrier)).get_span_context()
    return context if context.is_valid else None
