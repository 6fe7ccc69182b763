"""Kafka clients built from the service settings, and topic creation from the declared list."""

import logging
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from kombel_events import Topic

from kombel_runtime.settings import ServiceSettings

log = logging.getLogger(__name__)


def new_producer(settings: ServiceSettings, client_id: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=settings.kafka_idempotence,
        request_timeout_ms=settings.kafka_request_timeout_ms,
        linger_ms=5,
        max_batch_size=256 * 1024,
        compression_type=None,
    )


def new_consumer(
    settings: ServiceSettings, group_id: str, topics: Iterable[str]
) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=group_id,
        client_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        request_timeout_ms=settings.kafka_request_timeout_ms,
        session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=max(1000, settings.kafka_session_timeout_ms // 10),
        max_poll_records=settings.consumer_batch_size,
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
    )


async def ensure_topics(
    bootstrap: str, topics: Iterable[Topic], replication_factor: int = 1
) -> list[str]:
    """Create the declared topics that are missing; returns the names created."""
    wanted = {topic.name: topic for topic in topics}
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="kombel-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [topic for name, topic in wanted.items() if name not in existing]
        if not missing:
            return []
        response = await admin.create_topics(
            [
                NewTopic(t.name, t.partitions, replication_factor, topic_configs=t.config())
                for t in missing
            ]
        )
        created = []
        for name, code, message in _topic_errors(response):
            if code == 0 or code == TopicAlreadyExistsError.errno:
                created.append(name)
            else:
                raise RuntimeError(f"cannot create topic {name}: error {code} {message}")
        log.info("topics created", extra={"topics": created})
        return created
    finally:
        await admin.close()


def _topic_errors(response: object) -> list[tuple[str, int, str | None]]:
    return [(e[0], e[1], e[2] if len(e) > 2 else None) for e in response.topic_errors]  # type: ignore[attr-defined]
