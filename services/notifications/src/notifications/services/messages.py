"""Messages and what became of them, for the staff who organise and the people who receive.

Staff see the messages of the people of their region (by the contact's kabupaten/kota, as
membership places them); anyone who signs in as a person sees their own. What a message said
and where it went (its address) are not shown here: its content is the recipient's, read in
their inbox.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from kombel_events.notifications import Channel
from kombel_runtime.auth import Principal
from kombel_runtime.pagination import Page, keyset_page
from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.db.tables import contacts, message_statuses, messages
from notifications.services.callers import NoPerson
from notifications.services.inbox import MessageNotFound

_SHOWN = (
    messages.c.id,
    messages.c.person_id,
    messages.c.channel,
    messages.c.rule,
    messages.c.transactional,
    messages.c.status,
    messages.c.due_at,
    messages.c.expires_at,
    messages.c.attempts,
    messages.c.provider,
    messages.c.failure_reason,
    messages.c.fallback_of,
    messages.c.training_id,
    messages.c.session_id,
    messages.c.registration_id,
    messages.c.activity_id,
    messages.c.sent_at,
    messages.c.delivered_at,
    messages.c.read_at,
    messages.c.created_at,
    messages.c.updated_at,
)


@dataclass(frozen=True)
class MessageFilter:
    person_id: UUID | None = None
    status: str | None = None
    rule: str | None = None
    channel: Channel | None = None


def visible_messages(principal: Principal) -> ColumnElement[bool]:
    """The messages the caller may see: their region's people's if staff, their own if a
    person; a caller who is neither is refused."""
    reach = [
        condition
        for condition in (
            principal.region_filter(contacts.c.province_code, contacts.c.kabkota_code),
            messages.c.person_id == principal.person_id if principal.person_id else None,
        )
        if condition is not None
    ]
    if not reach:
        raise NoPerson()
    return or_(*reach)


def _visible(principal: Principal) -> Select[Any]:
    return (
        select(*_SHOWN)
        .select_from(messages.outerjoin(contacts, contacts.c.person_id == messages.c.person_id))
        .where(visible_messages(principal))
    )


async def list_messages(
    session: AsyncSession,
    principal: Principal,
    wanted: MessageFilter,
    *,
    limit: int,
    cursor: str | None,
) -> Page[dict[str, Any]]:
    """The messages the caller may see that match, newest first."""
    where = [
        condition
        for condition in (
            messages.c.person_id == wanted.person_id if wanted.person_id else None,
            messages.c.status == wanted.status if wanted.status else None,
            messages.c.rule == wanted.rule if wanted.rule else None,
            messages.c.channel == wanted.channel.value if wanted.channel else None,
        )
        if condition is not None
    ]
    return await keyset_page(
        session,
        _visible(principal).where(*where),
        (messages.c.created_at, messages.c.id),
        limit=limit,
        cursor=cursor,
        item=dict,
        parse=(datetime.fromisoformat, UUID),
        newest_first=True,
    )


async def message_detail(
    session: AsyncSession, principal: Principal, message_id: UUID
) -> dict[str, Any]:
    """One message the caller may see, with every status it went through, oldest first."""
    row = (
        (await session.execute(_visible(principal).where(messages.c.id == message_id)))
        .mappings()
        .one_or_none()
    )
    if row is None:
        raise MessageNotFound()
    statuses = (
        (
            await session.execute(
                select(
                    message_statuses.c.status,
                    message_statuses.c.reported_at,
                    message_statuses.c.detail,
                )
                .where(message_statuses.c.message_id == message_id)
                .order_by(message_statuses.c.reported_at, message_statuses.c.id)
            )
        )
        .mappings()
        .all()
    )
    return dict(row) | {"statuses": [dict(s) for s in statuses]}
