"""The writes of a message's delivery, shared by the dispatcher and the status webhooks.

Every status change updates `messages`, adds its `message_statuses` row and records a
`MessageStatusChanged` in the outbox, in the caller's transaction: a status is never seen
without its event, nor an event without its status. A change names the statuses it may
start from, so two writers (a dispatcher whose claim ran out and the one that took it over,
a webhook and the erasure) cannot undo each other.
"""

from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from kombel_events.notifications import Channel, MessageStatusChanged
from kombel_runtime.ids import uuid7
from kombel_runtime.outbox import record_events
from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.channels.whatsapp import StatusReport
from notifications.db.tables import contacts, message_statuses, messages
from notifications.domain.delivery import (
    MessageStatus,
    Recipient,
    advanced,
    fallback_channel,
    published,
)


async def change_status(
    session: AsyncSession,
    source: str,
    message: Mapping[str, Any],
    status: MessageStatus,
    *,
    at: datetime | None = None,
    reason: str | None = None,
    since: Collection[MessageStatus] = (MessageStatus.SENDING,),
    publish: bool = True,
    **values: Any,
) -> bool:
    """Move `message` to `status` if it is still in one of `since`; False when another
    writer moved it first (then nothing is written). `publish=False` for the dispatcher's
    own moves (a retry, a wait for quiet hours to end), which change nothing a reader of
    the published statuses would see."""
    at = at or datetime.now(UTC)
    changed = await session.scalar(
        update(messages)
        .where(messages.c.id == message["id"], messages.c.status.in_([s.value for s in since]))
        .values(status=status.value, updated_at=func.now(), **values)
        .returning(messages.c.id)
    )
    if changed is None:
        return False
    await note_status(session, message["id"], status.value, at, reason)
    public = published(status)
    if publish and public is not None:
        event = MessageStatusChanged(
            message_id=message["id"],
            person_id=message["person_id"],
            channel=Channel(message["channel"]),
            rule=message["rule"],
            status=public,
            at=at,
            reason=reason,
        )
        await record_events(session, source, [event])
    return True


async def note_status(
    session: AsyncSession, message_id: UUID, status: str, at: datetime, detail: str | None
) -> None:
    """A line of the message's history, whether or not it moved the message."""
    await session.execute(
        insert(message_statuses).values(
            message_id=message_id, status=status, reported_at=at, detail=detail
        )
    )


async def recipient_of(session: AsyncSession, person_id: UUID) -> Recipient | None:
    row = (
        (await session.execute(select(contacts).where(contacts.c.person_id == person_id)))
        .mappings()
        .first()
    )
    return recipient_from(dict(row)) if row is not None else None


def recipient_from(row: Mapping[str, Any]) -> Recipient:
    return Recipient(
        email=row["email"],
        phone=row["phone"],
        timezone=row["timezone"],
        erased=row["erased_at"] is not None,
    )


async def fall_over(
    session: AsyncSession,
    message: Mapping[str, Any],
    recipient: Recipient | None,
    sms_available: bool,
) -> UUID | None:
    """A refused message planned again on the next channel the person can be reached on,
    for the same event (so at most one per channel, however often the refusal is told)."""
    channel = fallback_channel(Channel(message["channel"]), sms_available)
    if channel is Channel.SMS and (recipient is None or not recipient.address(channel)):
        channel = Channel.EMAIL
    if channel is None or recipient is None or recipient.erased or not recipient.address(channel):
        return None
    copied = (
        "event_key",
        "person_id",
        "rule",
        "transactional",
        "context",
        "training_id",
        "session_id",
        "registration_id",
        "activity_id",
        "expires_at",
    )
    row = {name: message[name] for name in copied}
    new_id = uuid7()
    planned = await session.scalar(
        pg_insert(messages)
        .values(
            id=new_id,
            channel=channel.value,
            status=MessageStatus.QUEUED.value,
            fallback_of=message["id"],
            **row,
        )
        .on_conflict_do_nothing(constraint="uq_messages_once")
        .returning(messages.c.id)
    )
    return planned


async def apply_reports(
    session: AsyncSession,
    source: str,
    provider: str,
    reports: list[StatusReport],
    *,
    sms_available: bool,
) -> int:
    """Provider statuses (webhooks), in any order: each is kept in the history; the message
    moves only forward, and a WhatsApp message the provider failed falls over. Reports of
    messages we do not know change nothing. Returns how many messages moved."""
    moved = 0
    for report in reports:
        found = (
            (
                await session.execute(
                    select(messages)
                    .where(
                        messages.c.provider == provider,
                        messages.c.provider_message_id == report.provider_message_id,
                    )
                    .with_for_update()
                )
            )
            .mappings()
            .first()
        )
        if found is None:
            continue
        message = dict(found)
        current = MessageStatus(message["status"])
        target = advanced(current, report.status)
        if target is None:
            await note_status(session, message["id"], report.status.value, report.at, report.detail)
            continue
        stamps: dict[str, Any] = {}
        if target is MessageStatus.DELIVERED:
            stamps["delivered_at"] = report.at
        elif target is MessageStatus.READ:
            stamps = {"read_at": report.at, "delivered_at": message["delivered_at"] or report.at}
        elif target is MessageStatus.FAILED:
            stamps["failure_reason"] = report.detail
        await change_status(
            session,
            source,
            message,
            target,
            at=report.at,
            reason=report.detail,
            since=[current],
            **stamps,
        )
        moved += 1
        if target is MessageStatus.FAILED:
            recipient = await recipient_of(session, message["person_id"])
            await fall_over(session, message, recipient, sms_available)
    return moved
