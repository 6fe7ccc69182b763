"""Writing integration events into the outbox, inside the caller's transaction.

Events leave a service only through here: the state change and its outbox rows commit together
or not at all. The row keeps the current trace context so the consumer's span joins the request's
trace.
"""

import zlib
from collections.abc import Iterable
from datetime import UTC, datetime
from uuid import UUID

from kombel_events import IntegrationEvent
from opentelemetry.propagate import inject
from sqlalchemy.ext.asyncio import AsyncSession

from kombel_runtime.ids import uuid7
from kombel_runtime.messaging_tables import LANES, outbox

# From this many events on, rows go in with COPY (same transaction, same trigger), which is
# several times faster than a multi-row INSERT for bulk work such as imports.
COPY_FROM = 100
_COLUMNS = (
    "event_id",
    "event_type",
    "topic",
    "key",
    "lane",
    "source",
    "subject",
    "occurred_at",
    "data",
    "traceparent",
    "tracestate",
)


def lane_of(key: str) -> int:
    return zlib.crc32(key.encode()) % LANES


def outbox_row(
    event: IntegrationEvent, source: str, occurred_at: datetime, trace_carrier: dict[str, str]
) -> dict[str, object]:
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
        "traceparent": trace_carrier.get("traceparent"),
        "tracestate": trace_carrier.get("tracestate"),
    }


async def record_events(
    session: AsyncSession, source: str, events: Iterable[IntegrationEvent]
) -> list[UUID]:
    """Add the events to the outbox in the session's transaction; returns their event ids."""
    now = datetime.now(UTC)
    carrier: dict[str, str] = {}
    inject(carrier)
    rows = [outbox_row(event, source, now, carrier) for event in events]
    if len(rows) >= COPY_FROM:
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            outbox.name,
            records=[tuple(row[column] for column in _COLUMNS) for row in rows],
            columns=_COLUMNS,
        )
    elif rows:
        await session.execute(outbox.insert(), rows)
    return [row["event_id"] for row in rows]  # type: ignore[misc]
