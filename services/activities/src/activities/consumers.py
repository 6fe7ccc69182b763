"""What activities does with membership's events: keeps its replicas, and forgets an erased
person's attendance (kept as a count)."""

from collections.abc import Sequence
from typing import Any

from kombel_events.membership import PersonErased
from kombel_runtime.consumer import Received, Subscription
from sqlalchemy.ext.asyncio import AsyncSession

from activities.replicas import live_subscriptions
from activities.services.attendance import forget_attendance


def membership_subscriptions() -> list[Subscription]:
    found = {s.event: s for s in live_subscriptions()}
    tombstone = found[PersonErased].handler

    async def erased(session: AsyncSession, received: Sequence[Received[Any]]) -> None:
        await tombstone(session, received)
        await forget_attendance(session, received)

    found[PersonErased] = Subscription(PersonErased, erased)
    return list(found.values())
