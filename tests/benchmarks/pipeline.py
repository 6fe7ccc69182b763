"""Events through outbox → relay → consumer → read model, beside bare aiokafka on one broker.

Latency runs from the outbox row's transaction (`created_at`) to the consumer's inbox row
(`processed_at`), both on the database clock.
"""

import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from kombel_events.membership import CommunityKind, CommunityRegistered, ForumType, Jenjang
from kombel_events.topics import Topic
from kombel_runtime.envelope import Envelope
from kombel_runtime.kafka import ensure_topics
from kombel_runtime.outbox import record_events
from kombel_runtime.testing.harness import RunningPlatform
from sqlalchemy import text

from tests.benchmarks.report import Result


def community_events(count: int, kabkota: str) -> list[CommunityRegistered]:
    now = datetime.now(UTC)
    return [
        CommunityRegistered(
            community_id=uuid.uuid4(),
            name=f"Komunitas uji {i}",
            kind=CommunityKind.ANTAR_SEKOLAH,
            forum_type=ForumType.KKG,
            jenjang=[Jenjang.SD],
            province_code=kabkota.split(".")[0],
            kabkota_code=kabkota,
            registered_at=now,
        )
        for i in range(count)
    ]


async def bare_aiokafka(bootstrap: str, events: Sequence[CommunityRegistered]) -> Result:
    """The same records produced (acks=all) and consumed by a group, concurrently."""
    topic = Topic(f"bench.bare.{uuid.uuid4().hex[:8]}")
    await ensure_topics(bootstrap, [topic])
    records = [
        (
            e.to_json(),
            e.subject().encode(),
            Envelope(
                id=uuid.uuid4(),
                type=e.event_type,
                source="/bench",
                subject=e.subject(),
                time=datetime.now(UTC),
                data=b"",
            ).kafka_headers(),
        )
        for e in events
    ]
    consumer = AIOKafkaConsumer(
        topic.name,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{topic.name}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=1000,
    )
    await consumer.start()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()

    async def consume() -> None:
        received = 0
        while received < len(records):
            batches = await consumer.getmany(timeout_ms=500, max_records=1000)
            received += sum(len(found) for found in batches.values())
            if batches:
                await consumer.commit()

    try:
        await consumer.getmany(timeout_ms=200)  # join the group before the clock starts
        started = time.perf_counter()
        consuming = asyncio.create_task(consume())
        deliveries = [
            await producer.send(topic.name, value=v, key=k, headers=h) for v, k, h in records
        ]
        await asyncio.gather(*deliveries)
        await consuming
        return Result(
            "bare aiokafka: produce + consume", len(records), time.perf_counter() - started
        )
    finally:
        await producer.stop()
        await consumer.stop()


async def _handled(platform: RunningPlatform, kabkota: str) -> int:
    async with platform.runtime("reporting").sessions() as session:
        count = await session.scalar(
            text("SELECT communities FROM region_community_counts WHERE kabkota_code = :k"),
            {"k": kabkota},
        )
    return int(count or 0)


async def _timestamps(
    platform: RunningPlatform, service: str, query: str, ids: list[uuid.UUID]
) -> dict[uuid.UUID, datetime]:
    async with platform.runtime(service).sessions() as session:
        rows = (await session.execute(text(query), {"ids": ids})).all()
    return {row[0]: row[1] for row in rows}


async def _latencies(platform: RunningPlatform, event_ids: list[uuid.UUID]) -> list[float]:
    created = await _timestamps(
        platform,
        "membership",
        "SELECT event_id, created_at FROM kombel_outbox WHERE event_id = ANY(:ids)",
        event_ids,
    )
    handled = await _timestamps(
        platform,
        "reporting",
        "SELECT event_id, processed_at FROM kombel_inbox WHERE event_id = ANY(:ids)",
        event_ids,
    )
    return [(handled[i] - created[i]).total_seconds() * 1000 for i in event_ids if i in handled]


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def pipeline(
    platform: RunningPlatform, events: Sequence[CommunityRegistered], *, per_second: int | None
) -> Result:
    """Write the events to the outbox (flat out, or paced) and wait until all are handled."""
    kabkota = events[0].kabkota_code
    membership = platform.runtime("membership")
    chunk = 500 if per_second is None else max(1, per_second // 50)
    event_ids: list[uuid.UUID] = []
    started = time.perf_counter()
    for i in range(0, len(events), chunk):
        # As in a request or an import job: the events continue a trace.
        with membership.telemetry.tracer.start_as_current_span("bench write"):
            async with membership.sessions() as session, session.begin():
                event_ids += await record_events(session, membership.source, events[i : i + chunk])
        if per_second is not None:
            due = started + (i + chunk) / per_second
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
    deadline = time.monotonic() + 300
    while await _handled(platform, kabkota) < len(events):
        if time.monotonic() > deadline:
            raise RuntimeError("the pipeline did not handle every event within 300 s")
        await asyncio.sleep(0.02)
    seconds = time.perf_counter() - started
    latencies = await _latencies(platform, event_ids)
    name = "pipeline: flat out" if per_second is None else f"pipeline: paced at {per_second}/s"
    return Result(
        name, len(events), seconds, _percentile(latencies, 50), _percentile(latencies, 99)
    )


def events_wanted() -> int:
    return int(os.environ.get("KOMBEL_BENCH_EVENTS", "20000"))
