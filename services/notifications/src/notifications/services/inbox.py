"""The in-app inbox: a person's messages on the channel `inbox`, once the dispatcher has
delivered them (rendered, stored, announced), newest first; reading one is its last status.

A message counts as received when it was delivered: a reminder planned weeks ago sits where it
arrived, not where it was planned. Rows delivered before `delivered_at` was kept fall back to
when they were planned.
"""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from kombel_events.notifications import Channel, DeliveryStatus
from kombel_runtime.errors import NotFound
from kombel_runtime.pagination import Page, keyset_page
from sqlalchemy import Subquery, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.db.tables import messages
from notifications.services.status_history import record_statuses

DELIVERED = DeliveryStatus.DELIVERED.value
READ = DeliveryStatus.READ.value
INBOX = Channel.INBOX.value


class MessageNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(
            "message_not_found",
            "Pesan tidak ditemukan, atau bukan pesan yang boleh Anda lihat.",
        )


def _inbox(person_id: UUID) -> Subquery:
    return (
        select(
            messages.c.id,
            messages.c.rule,
            messages.c.subject,
            messages.c.body,
            messages.c.read_at,
            func.coalesce(messages.c.delivered_at, messages.c.created_at).label("received_at"),
        )
        .where(
            messages.c.person_id == person_id,
            messages.c.channel == INBOX,
            messages.c.status.in_((DELIVERED, READ)),
        )
        .subquery("inbox")
    )


async def inbox_page(
    session: AsyncSession,
    person_id: UUID,
    *,
    unread_only: bool,
    limit: int,
    cursor: str | None,
) -> Page[dict[str, Any]]:
    inbox = _inbox(person_id)
    query = select(inbox)
    if unread_only:
        query = query.where(inbox.c.read_at.is_(None))
    return await keyset_page(
        session,
        query,
        (inbox.c.received_at, inbox.c.id),
        limit=limit,
        cursor=cursor,
        item=dict,
        parse=(datetime.fromisoformat, UUID),
        newest_first=True,
    )


async def unread_count(session: AsyncSession, person_id: UUID) -> int:
    inbox = _inbox(person_id)
    query = select(func.count()).select_from(inbox).where(inbox.c.read_at.is_(None))
    return int((await session.execute(query)).scalar_one())


async def inbox_item(
    session: AsyncSession, person_id: UUID, message_id: UUID
) -> dict[str, Any] | None:
    inbox = _inbox(person_id)
    row = (
        (await session.execute(select(inbox).where(inbox.c.id == message_id)))
        .mappings()
        .one_or_none()
    )
    return dict(row) if row else None


async def received_after(
    session: AsyncSession, person_id: UUID, message_id: UUID, limit: int
) -> list[dict[str, Any]]:
    """What arrived after one message, oldest first: what a stream that reconnects missed.
    Nothing when that message is not the person's."""
    inbox = _inbox(person_id)
    last = select(inbox.c.received_at, inbox.c.id).where(inbox.c.id == message_id).subquery()
    rows = await session.execute(
        select(inbox)
        .join(last, tuple_(inbox.c.received_at, inbox.c.id) > tuple_(last.c.received_at, last.c.id))
        .order_by(inbox.c.received_at, inbox.c.id)
        .limit(limit)
    )
    return [dict(row) for row in rows.mappings()]


async def _read(session: AsyncSession, source: str, person_id: UUID, *only: Any) -> int:
    """The person's unread inbox messages (those of `only`), read now, each read recorded."""
    now = datetime.now(UTC)
    changed = (
        (
            await session.execute(
                update(messages)
                .where(
                    messages.c.person_id == person_id,
                    messages.c.channel == INBOX,
                    messages.c.status == DELIVERED,
                    *only,
                )
                .values(status=READ, read_at=now, updated_at=now)
                .returning(messages.c.id, messages.c.person_id, messages.c.channel, messages.c.rule)
            )
        )
        .mappings()
        .all()
    )
    await record_statuses(session, source, changed, DeliveryStatus.READ, now)
    return len(changed)


async def mark_read(
    session: AsyncSession, source: str, person_id: UUID, message_id: UUID
) -> dict[str, Any]:
    """The message, read now unless it already was (reading it twice changes nothing)."""
    await _read(session, source, person_id, messages.c.id == message_id)
    item = await inbox_item(session, person_id, message_id)
    if item is None:
        raise MessageNotFound()
    return item


async def mark_all_read(session: AsyncSession, source: str, person_id: UUID) -> int:
    """Every unread message of the person's inbox, read now; how many were."""
    return await _read(session, source, person_id)
