"""Listing and replaying dead letters.

Each consumer has one dead-letter topic per source topic (`<topic>.dlt.<consumer>`). Replaying
sends a dead letter back to its original topic, where every consumer sees it again and the
inboxes keep that harmless for the ones that had handled it. A replay group remembers how far
replay went, so a dead letter is replayed once.
"""

import time
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from kombel_runtime.consumer import DLT_PREFIX

READ_TIMEOUT_S = 30


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    offset: int
    event_id: str
    event_type: str
    consumer: str
    original_topic: str
    error: str
    failed_at: str
    replayed: bool


def _header(record: ConsumerRecord, name: str) -> str:  # type: ignore[type-arg]
    for key, value in record.headers:
        if key == name:
            return bytes(value).decode("utf-8", "replace")
    return ""


def _replay_group(topic: str) -> str:
    return f"kombel-dlt-replay.{topic}"


async def dead_letter_topics(bootstrap: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return sorted(t for t in await admin.list_topics() if ".dlt." in t)
    finally:
        await admin.close()


async def _read_all(bootstrap: str, topic: str) -> tuple[list[ConsumerRecord], int]:  # type: ignore[type-arg]
    """Every record of a dead-letter topic, and the offset replay has reached."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=_replay_group(topic),
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        replayed_until = await consumer.committed(partition) or 0
        position = (await consumer.beginning_offsets([partition]))[partition]
        end = (await consumer.end_offsets([partition]))[partition]
        consumer.seek(partition, position)
        records: list[ConsumerRecord] = []  # type: ignore[type-arg]
        # Tansu may report an end offset below the last record: read on until a fetch
        # past the reported end comes back empty.
        deadline = time.monotonic() + READ_TIMEOUT_S
        while True:
            batch = await consumer.getmany(partition, timeout_ms=1000)
            if not batch:
                if position >= end:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{topic}: records up to offset {end} did not arrive")
                continue
            records.extend(batch[partition])
            position = records[-1].offset + 1
        return records, replayed_until
    finally:
        await consumer.stop()


async def list_dead_letters(bootstrap: str, topic: str) -> list[DeadLetter]:
    records, replayed_until = await _read_all(bootstrap, topic)
    return [
        DeadLetter(
            topic=topic,
            offset=r.offset,
            event_id=_header(r, "ce_id"),
            event_type=_header(r, "ce_type"),
            consumer=_header(r, DLT_PREFIX + "consumer"),
            original_topic=_header(r, DLT_PREFIX + "original_topic"),
            error=_header(r, DLT_PREFIX + "error_message"),
            failed_at=_header(r, DLT_PREFIX + "failed_at"),
            replayed=r.offset < replayed_until,
        )
        for r in records
    ]


async def replay_dead_letters(bootstrap: str, topic: str) -> int:
    """Send the dead letters not yet replayed back to their original topics; returns how many."""
    records, replayed_until = await _read_all(bootstrap, topic)
    pending = [r for r in records if r.offset >= replayed_until]
    if not pending:
        return 0
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for record in pending:
            headers = [(k, v) for k, v in record.headers if not k.startswith(DLT_PREFIX)]
            await producer.send_and_wait(
                _header(record, DLT_PREFIX + "original_topic"),
                value=record.value,
                key=record.key,
                headers=headers,
            )
    finally:
        await producer.stop()
    committer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=_replay_group(topic), enable_auto_commit=False
    )
    await committer.start()
    try:
        partition = TopicPartition(topic, 0)
        committer.assign([partition])
        await committer.commit({partition: pending[-1].offset + 1})
    finally:
        await committer.stop()
    return len(pending)
