"""How a digest's messages find their reader: the subscription stands in for a contact.

A digest's email or WhatsApp message names the subscription's id as its person, so the
dispatcher finds no contact for it and asks here for the subscription's addresses; its inbox
copy names the token's person, who may have no contact either (staff need not be teachers).
A subscription switched off since its messages were planned answers nothing: they are dropped
like a message whose contact is gone.
"""

from collections.abc import Collection, Mapping
from typing import Any
from uuid import UUID

from kombel_runtime.local_time import Language, zone_of
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.db.tables import digest_subscriptions as subscriptions
from notifications.domain.delivery import Recipient as Addressee
from notifications.services.message_facts import Recipient

_WANTED = (
    subscriptions.c.id,
    subscriptions.c.person_id,
    subscriptions.c.email,
    subscriptions.c.phone,
    subscriptions.c.timezone,
    subscriptions.c.language,
)


async def _enabled(session: AsyncSession, people: Collection[UUID]) -> list[Mapping[str, Any]]:
    query = (
        select(*_WANTED)
        .where(
            subscriptions.c.enabled,
            or_(subscriptions.c.id.in_(people), subscriptions.c.person_id.in_(people)),
        )
        .order_by(subscriptions.c.updated_at)
    )
    return [dict(row) for row in (await session.execute(query)).mappings()]


async def subscribers_as_addressees(
    session: AsyncSession, people: Collection[UUID]
) -> dict[UUID, Addressee]:
    """For the dispatcher: the subscriptions among `people` (messages' person ids with no
    contact), with their own addresses and their area's zone."""
    if not people:
        return {}
    found: dict[UUID, Addressee] = {}
    for row in await _enabled(session, people):
        addressee = Addressee(email=row["email"], phone=row["phone"], timezone=row["timezone"])
        for key in (row["id"], row["person_id"]):
            if key in people:
                found[key] = addressee
    return found


async def digest_reader(session: AsyncSession, person_id: UUID) -> Recipient | None:
    """For the renderer: the subscriber as a reader (their language, their area's zone)."""
    rows = await _enabled(session, [person_id])
    if not rows:
        return None
    row = rows[-1]  # the latest, should one person hold two staff tokens
    return Recipient(None, Language.of(row["language"]), zone_of(row["timezone"]))
