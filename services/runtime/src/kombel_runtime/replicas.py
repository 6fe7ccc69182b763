"""Replicas: a service's own copy of another service's data, built from its events.

A replica is a table and the subscriptions that keep it, declared with the table's name as a
parameter, so the same handlers fill the live table (through the service's consumer, with its
inbox) and a fresh one when the replica is rebuilt (`kombel replay <service> <replica>`).

Every row keeps the id of the last event applied to it (`version`; event ids are UUIDv7, so a
later event has a greater id). Writes apply only what is newer than the row: redelivery, a
replay from the beginning or a dead letter sent back late changes nothing it should not.

A rebuild replays the topics from the beginning into a fresh table, swaps it in under a lock,
then replays again from where the first pass ended: what the live consumer wrote into the old
table during the swap is in the topic too, and the versions make the second pass harmless.
"""

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from kombel_events import Topic
from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kombel_runtime.consumer import Received, Subscription
from kombel_runtime.envelope import Envelope

log = logging.getLogger(__name__)

READ_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Replica:
    name: str
    table: str
    # The subscriptions that keep a table of this shape, given its name.
    subscriptions: Callable[[str], Sequence[Subscription]]

    def topics(self) -> list[Topic]:
        found = {s.event.topic.name: s.event.topic for s in self.subscriptions(self.table)}
        return list(found.values())


def _identifier(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe table name {name!r}")
    return name


@lru_cache(maxsize=256)
def upsert(table: str, key: tuple[str, ...], columns: tuple[tuple[str, str], ...]) -> TextClause:
    """Insert or replace rows from a JSON array of `{column: value, "version": event id}`,
    keeping per key only the newest row of the batch and only where it is newer than the
    stored one. `columns` are (name, PostgreSQL type), the key's among them."""
    table = _identifier(table)
    names = [name for name, _ in columns]
    typed = ", ".join(f"{name} {kind}" for name, kind in columns)
    keys = ", ".join(key)
    changed = ", ".join(f"{name} = excluded.{name}" for name in [*names, "version"])
    return text(
        f"""
        INSERT INTO {table} ({", ".join(names)}, version)
        SELECT DISTINCT ON ({keys}) {", ".join(names)}, version
        FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS e({typed}, version uuid)
        ORDER BY {keys}, version DESC
        ON CONFLICT ({keys}) DO UPDATE SET {changed}
        WHERE {table}.version < excluded.version
        """  # noqa: S608 (identifiers are checked, values are bound)
    )


@lru_cache(maxsize=256)
def amend(table: str, key: tuple[str, ...], columns: tuple[tuple[str, str], ...]) -> TextClause:
    """Change some columns of stored rows from a JSON array, where the event is newer; a row
    the replica does not hold is left alone."""
    table = _identifier(table)
    typed = ", ".join(f"{name} {kind}" for name, kind in columns)
    keys = ", ".join(key)
    changed = ", ".join(f"{name} = e.{name}" for name, _ in columns if name not in key)
    matched = " AND ".join(f"t.{name} = e.{name}" for name in key)
    return text(
        f"""
        UPDATE {table} AS t SET {changed}, version = e.version
        FROM (
            SELECT DISTINCT ON ({keys}) *
            FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r({typed}, version uuid)
            ORDER BY {keys}, version DESC
        ) AS e
        WHERE {matched} AND t.version < e.version
        """  # noqa: S608 (identifiers are checked, values are bound)
    )


async def apply_rows(
    session: AsyncSession,
    statement: TextClause,
    received: Sequence[Received[Any]],
    row: Callable[[Any], Mapping[str, Any]],
) -> None:
    """Run one of the statements above for a batch of events, each turned into a row."""
    rows = [dict(row(r.event)) | {"version": str(r.envelope.id)} for r in received]
    await session.execute(statement, {"rows": json.dumps(rows, default=str)})


async def _partitions(consumer: AIOKafkaConsumer, topics: Iterable[Topic]) -> list[TopicPartition]:
    await consumer.topics()  # metadata of every topic, so their partitions are known
    found = []
    for topic in topics:
        numbers = consumer.partitions_for_topic(topic.name) or set()
        found += [TopicPartition(topic.name, number) for number in sorted(numbers)]
    return found


async def replay(
    bootstrap: str,
    sessions: async_sessionmaker[AsyncSession],
    subscriptions: Sequence[Subscription],
    start: Mapping[TopicPartition, int] | None = None,
) -> tuple[dict[TopicPartition, int], int]:
    """Apply the subscriptions' events from `start` (else the beginning) to the topics' ends
    as they are now; the offsets reached and the number of events applied."""
    by_type = {s.event.event_type: s for s in subscriptions}
    topics = {s.event.topic.name: s.event.topic for s in subscriptions}.values()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    applied = 0
    try:
        partitions = await _partitions(consumer, topics)
        if not partitions:
            return {}, 0
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        beginnings = await consumer.beginning_offsets(partitions)
        reached = {p: (start or {}).get(p, beginnings[p]) for p in partitions}
        for partition, offset in reached.items():
            consumer.seek(partition, offset)
        deadline = time.monotonic() + READ_TIMEOUT_S
        while True:
            batch = await consumer.getmany(timeout_ms=500, max_records=2000)
            # Tansu may report an end below the last record: read on until a fetch past the
            # reported ends comes back empty.
            if not batch:
                if all(reached[p] >= ends[p] for p in partitions):
                    return reached, applied
                if time.monotonic() > deadline:
                    raise TimeoutError(f"replay did not reach the ends {ends}")
                continue
            async with sessions() as session, session.begin():
                for partition, records in batch.items():
                    applied += await _apply_in_order(session, by_type, records)
                    reached[partition] = records[-1].offset + 1
    finally:
        await consumer.stop()


async def _apply_in_order(
    session: AsyncSession,
    by_type: Mapping[str, Subscription],
    records: Sequence[ConsumerRecord],  # type: ignore[type-arg]
) -> int:
    """One partition's records, in order, consecutive events of a type as one call."""
    applied = 0
    run: list[Received[Any]] = []
    current: Subscription | None = None
    for record in records:
        envelope = Envelope.from_kafka(record.headers, record.value)
        subscription = by_type.get(envelope.type)
        if subscription is None:
            continue
        if current is not None and subscription is not current:
            await current.handler(session, run)
            run = []
        current = subscription
        run.append(Received(envelope, subscription.event.model_validate_json(envelope.data)))
        applied += 1
    if current is not None and run:
        await current.handler(session, run)
    return applied


async def rebuild(
    bootstrap: str, sessions: async_sessionmaker[AsyncSession], replica: Replica
) -> int:
    """Rebuild the replica's table from its topics while the old one serves; the number of
    events applied."""
    table = _identifier(replica.table)
    fresh, retired = f"{table}_rebuild", f"{table}_retired"
    async with sessions() as session, session.begin():
        await session.execute(text(f"DROP TABLE IF EXISTS {fresh}"))
        await session.execute(text(f"CREATE TABLE {fresh} (LIKE {table} INCLUDING ALL)"))
    reached, applied = await replay(bootstrap, sessions, replica.subscriptions(fresh))
    async with sessions() as session, session.begin():
        await session.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        await session.execute(text(f"ALTER TABLE {table} RENAME TO {retired}"))
        await session.execute(text(f"ALTER TABLE {fresh} RENAME TO {table}"))
        await session.execute(text(f"DROP TABLE {retired}"))
    _, caught_up = await replay(bootstrap, sessions, replica.subscriptions(table), reached)
    log.info(
        "replica rebuilt",
        extra={"replica": replica.name, "events": applied, "caught_up": caught_up},
    )
    return applied + caught_up
