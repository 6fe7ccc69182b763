"""A message's status changes, kept twice: in its history (`message_statuses`) and as
`MessageStatusChanged` through the outbox, in the transaction that changed it."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from kombel_events.notifications import Channel, DeliveryStatus, MessageStatusChanged
from kombel_runtime.outbox import record_events
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.db.tables import message_statuses


async def record_statuses(
    session: AsyncSession,
    source: str,
    changed: Sequence[Mapping[Any, Any]],
    status: DeliveryStatus,
    at: datetime,
    detail: str | None = None,
) -> None:
    """Record that each message of `changed` (rows with `id`, `person_id`, `channel`, `rule`)
    reached `status` at `at`."""
    if not changed:
        return
    await session.execute(
        insert(message_statuses),
        [
            {"message_id": row["id"], "status": status.value, "reported_at": at, "detail": detail}
            for row in changed
        ],
    )
    await record_events(
        session,
        source,
        [
            MessageStatusChanged(
                message_id=row["id"],
                person_id=row["person_id"],
                channel=Channel(row["channel"]),
                rule=row["rule"],
                status=status,
                at=at,
                reason=detail,
            )
            for row in changed
        ],
    )
