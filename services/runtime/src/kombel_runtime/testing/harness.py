"""What a cross-service test holds: the running platform and ways to look inside it."""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from fastapi import FastAPI

from kombel_runtime.auth import Role
from kombel_runtime.platform import EmbeddedPlatform
from kombel_runtime.service import ServiceRuntime
from kombel_runtime.testing.infrastructure import Infrastructure

T = TypeVar("T")


@dataclass
class RunningPlatform:
    embedded: EmbeddedPlatform
    apps: dict[str, FastAPI]
    client: httpx.AsyncClient
    infrastructure: Infrastructure
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def runtime(self, service: str) -> ServiceRuntime:
        runtime: ServiceRuntime = self.apps[service].state.runtime
        return runtime

    async def until_consuming(self, timeout_s: float = 60) -> None:
        """Wait until every consumer group has its partitions (a broker can take seconds)."""
        runtimes = [self.runtime(name) for name in self.apps]
        await eventually(
            lambda: asyncio.sleep(0, all(r.consuming for r in runtimes)),
            lambda ready: ready,
            timeout_s=timeout_s,
        )

    def auth(self, role: Role, **scope: Any) -> dict[str, str]:
        """Headers carrying a dev token of the role and scope."""
        return {"Authorization": f"Bearer {self.embedded.issuer.mint(role, **scope)}"}

    @property
    def kafka_bootstrap(self) -> str:
        return self.infrastructure.endpoints.kafka_bootstrap

    async def produce(
        self, topic: str, value: bytes, key: bytes, headers: list[tuple[str, bytes]]
    ) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.kafka_bootstrap, acks="all")
        await producer.start()
        try:
            await producer.send_and_wait(topic, value=value, key=key, headers=headers)
        finally:
            await producer.stop()

    async def _partitions(self, topic: str) -> set[int]:
        # The producer's lookup waits for the topic's metadata; the consumer's does not.
        producer = AIOKafkaProducer(bootstrap_servers=self.kafka_bootstrap)
        await producer.start()
        try:
            partitions: set[int] = await producer.partitions_for(topic)
            return partitions
        finally:
            await producer.stop()

    async def read_topic(self, topic: str, timeout_s: float = 15) -> list[ConsumerRecord]:  # type: ignore[type-arg]
        """Every record now in the topic, from all partitions."""
        partitions = [TopicPartition(topic, p) for p in sorted(await self._partitions(topic))]
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.kafka_bootstrap, enable_auto_commit=False
        )
        await consumer.start()
        try:
            consumer.assign(partitions)
            starts = await consumer.beginning_offsets(partitions)
            ends = await consumer.end_offsets(partitions)
            reached = dict(starts)
            for partition in partitions:
                consumer.seek(partition, starts[partition])
            records: list[ConsumerRecord] = []  # type: ignore[type-arg]
            deadline = time.monotonic() + timeout_s
            # Tansu may report end offsets below the last record, so read on until a fetch
            # comes back empty once the reported ends are reached.
            while True:
                if time.monotonic() > deadline:
                    raise AssertionError(f"{topic}: could not read up to {ends} in {timeout_s} s")
                batch = await consumer.getmany(timeout_ms=500)
                for partition, found in batch.items():
                    records.extend(found)
                    reached[partition] = found[-1].offset + 1
                if not batch and all(reached[p] >= ends[p] for p in partitions):
                    return records
        finally:
            await consumer.stop()


async def eventually(
    probe: Callable[[], Awaitable[T]],
    accept: Callable[[T], bool],
    timeout_s: float = 20,
    interval_s: float = 0.1,
) -> T:
    """Poll `probe` until `accept` holds; fail with the last value after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = await probe()
        if accept(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached after {timeout_s} s; last value: {value!r}")
        await asyncio.sleep(interval_s)


@contextlib.asynccontextmanager
async def running_platform(
    infrastructure: Infrastructure,
    folder: Path,
    *,
    database_prefix: str,
    overrides: Mapping[str, Any] | None = None,
) -> AsyncIterator[RunningPlatform]:
    """All four services with their workers on fresh databases, behind one HTTP client,
    once every consumer group has its partitions."""
    embedded = EmbeddedPlatform(
        infrastructure.endpoints, folder, overrides=overrides, database_prefix=database_prefix
    )
    await embedded.prepare()
    apps = embedded.apps()
    async with contextlib.AsyncExitStack() as stack:
        for app in apps.values():
            await stack.enter_async_context(app.router.lifespan_context(app))
        client = await stack.enter_async_context(
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=embedded.gateway_of(apps)),
                base_url="http://kombel.test",
            )
        )
        running = RunningPlatform(embedded, apps, client, infrastructure)
        await running.until_consuming()
        yield running
