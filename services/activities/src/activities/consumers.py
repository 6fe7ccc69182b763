"""What activities does with membership's events: keeps its replicas, and forgets an erased
person's attendance (kept as a count) and the identity digests their registrations kept."""

from collections.abc import Sequence
from typing import Any

from kombel_events.membership import PersonErased
from kombel_runtime.consumer import Received, Subscription
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import registrations
from activities.replicas import live_subscriptions
from activities.services.attendance import forget_attendance


async def forget_identity_digests(
    session: AsyncSession, received: Sequence[Received[PersonErased]]
) -> None:
    """An erased person's registrations stay (seats are counted), without their digests."""
    await session.execute(
        update(registrations)
        .where(registrations.c.person_id.in_([r.event.person_id for r in received]))
        .values(identity_digests=None)
    )


def membership_subscriptions() -> list[Subscription]:
    found = {s.event: s for s in live_subscriptions()}
    tombstone = found[PersonErased].handler

    async def erased(session: AsyncSession, received: Sequence[Received[Any]]) -> None:
        await tombstone(session, received)
        await forget_attendance(session, received)
        await forget_identity_digests(session, received)

    found[PersonErased] = Subscription(PersonErased, erased)
    return list(found.values())
