"""A compiled weekly digest becomes one message per subscriber and channel: email and WhatsApp
to the subscription's own addresses, and the inbox of the token's person when there is one.

Keyed by area and week (`rules.WEEKLY_DIGEST`) with the subscription's id (or the inbox's
person) as the message's person: the unique `(event_key, person_id, channel)` makes a
redelivered digest plan nothing new. Subscribers are read once per batch of events, in one
statement.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import product
from typing import Any

from kombel_events.notifications import Channel
from kombel_events.reporting import WeeklyDigestCompiled
from kombel_runtime.consumer import Received
from kombel_runtime.ids import uuid7
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.db.tables import digest_subscriptions as subscriptions
from notifications.db.tables import messages
from notifications.rules import WEEKLY_DIGEST

# Once the next digest is due, this one is stale.
WORTH_SENDING_FOR = timedelta(days=7)


def _addresses(subscriber: Any) -> list[tuple[Any, Channel]]:
    """(message person, channel) of each channel the subscriber can be reached on."""
    found = []
    if subscriber.email:
        found.append((subscriber.id, Channel.EMAIL))
    if subscriber.phone:
        found.append((subscriber.id, Channel.WHATSAPP))
    if subscriber.person_id:
        found.append((subscriber.person_id, Channel.INBOX))
    return [(person, channel) for person, channel in found if channel in WEEKLY_DIGEST.channels]


async def plan_digests(
    session: AsyncSession, received: Sequence[Received[WeeklyDigestCompiled]], now: datetime
) -> int:
    """Plan the digests' messages for their areas' subscribers; how many rows went in."""
    digests: dict[str, list[WeeklyDigestCompiled]] = {}
    for r in received:
        digests.setdefault(r.event.area_code, []).append(r.event)
    found = await session.execute(
        select(
            subscriptions.c.id,
            subscriptions.c.person_id,
            subscriptions.c.email,
            subscriptions.c.phone,
            subscriptions.c.area_code,
        ).where(subscriptions.c.enabled, subscriptions.c.area_code.in_(list(digests)))
    )
    rows = []
    for subscriber in found:
        for digest, (person_id, channel) in product(
            digests[subscriber.area_code], _addresses(subscriber)
        ):
            rows.append(
                {
                    "id": uuid7(),
                    "event_key": WEEKLY_DIGEST.event_key(
                        area_code=digest.area_code, week_start=digest.week_start.isoformat()
                    ),
                    "person_id": person_id,
                    "channel": channel.value,
                    "rule": WEEKLY_DIGEST.name,
                    "transactional": WEEKLY_DIGEST.transactional,
                    "context": digest.model_dump(mode="json"),
                    "status": "queued",
                    "due_at": now,
                    "next_attempt_at": now,
                    "expires_at": digest.due_at + WORTH_SENDING_FOR,
                }
            )
    if not rows:
        return 0
    result = await session.execute(
        insert(messages).values(rows).on_conflict_do_nothing(constraint="uq_messages_once")
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
