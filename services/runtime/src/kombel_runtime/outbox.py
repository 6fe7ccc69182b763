"""Writing integration events into the outbox, inside the caller's transaction.

Events leave a service only through here: the state change and its outbox rows commit together
or not at all. The row keeps the current trace context so the consumer's span joins the request's
trace.
"""

import zlib
from collections.abc import Iterable
from datetime import UTC, datetime

from kombel_events import IntegrationEvent
from opentelemetry.propagate import inject
from sqlalchemy.ext.asyncio import AsyncSession
from uuid6 import uuid7

from kombel_runtime.messaging_tables import LANES, outbox


def lane_of(key: str) -> int:
    return zlib.crc32(key.encode()) % LANES


def outbox_row(event: IntegrationEvent, source: str, occurred_at: datetime) -> dict[str, object]:
    carrier: dict[str, str] = {}
    inject(carrier)
    key = event.subject()
    return {
        "event_id": uuid7(),
        "event_type": event.event_type,
        "topic": event.topic.name,
        "key": key,
        "lane": lane_of(key),
        "source": source,
        "subject": key,
        "occurred_at": occurred_at,
        "data": event.to_json(),
        "traceparent": carrier.get("traceparent"),
        "tracestate": carrier.get("tracestate"),
    }


async def record_events(
    session: AsyncSession, source: str, events: Iterable[IntegrationEvent]
) -> int:
    """Add the events to the outbox in the session's transaction; returns how many."""
    now = datetime.now(UTC)
    rows = [outbox_row(event, source, now) for event in events]
    if rows:
        await session.execute(outbox.insert(), rows)
    return len(rows)
