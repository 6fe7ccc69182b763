"""The inbox as a live stream (Server-Sent Events): each message the dispatcher delivers to a
person's inbox, as it arrives, with the unread count after it.

The dispatcher announces a delivery on the person's Redis channel (`INBOX_STREAM`) with the
message's id (as text, or JSON with `id`); the stream reads the message itself from the
database, so the announcement carries nothing personal and a stale one shows nothing. The
stream subscribes before it reads what it may have missed, so a message delivered in between
comes twice at worst (the client keys messages by `id`), never not at all.

A stream lives for `lifetime_s` at most and then ends; the browser's EventSource reconnects
after `retry` with `Last-Event-ID`, and gets what arrived after that message first. Between
messages a comment line every `keepalive_s` keeps proxies from closing an idle connection.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from uuid import UUID

import redis.asyncio as redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notifications.channels.base import INBOX_STREAM
from notifications.schemas import InboxItem
from notifications.services.inbox import inbox_item, received_after, unread_count

KEEPALIVE_S = 15.0
LIFETIME_S = 600.0
RECONNECT_MS = 3000
# What a reconnecting stream catches up on at most; the inbox list has the rest.
MISSED_LIMIT = 50


def announced_id(data: Any) -> UUID | None:
    """The message id of an announcement: its text, or the `id` of its JSON; None otherwise."""
    text = data.decode(errors="replace") if isinstance(data, bytes) else str(data)
    try:
        document = json.loads(text)
    except ValueError:
        document = text
    if isinstance(document, dict):
        document = document.get("id") or document.get("message_id")
    try:
        return UUID(str(document).strip())
    except ValueError:
        return None


def _message(item: dict[str, Any]) -> str:
    data = InboxItem.model_validate(item).model_dump_json()
    return f"event: message\nid: {item['id']}\ndata: {data}\n\n"


def _unread(count: int) -> str:
    return f"event: unread\ndata: {json.dumps({'unread': count})}\n\n"


async def inbox_events(
    client: "redis.Redis",
    sessions: async_sessionmaker[AsyncSession],
    person_id: UUID,
    last_event_id: UUID | None,
    disconnected: Callable[[], Awaitable[bool]],
    *,
    keepalive_s: float = KEEPALIVE_S,
    lifetime_s: float = LIFETIME_S,
) -> AsyncIterator[str]:
    channel = client.pubsub()
    await channel.subscribe(INBOX_STREAM.format(person_id=person_id))
    try:
        async with sessions() as session:
            missed = (
                await received_after(session, person_id, last_event_id, MISSED_LIMIT)
                if last_event_id is not None
                else []
            )
            count = await unread_count(session, person_id)
        yield f"retry: {RECONNECT_MS}\n\n"
        for item in missed:
            yield _message(item)
        yield _unread(count)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + lifetime_s
        while (left := deadline - loop.time()) > 0 and not await disconnected():
            announcement = await channel.get_message(
                ignore_subscribe_messages=True, timeout=min(keepalive_s, left)
            )
            if announcement is None:
                yield ": tetap terhubung\n\n"
                continue
            message_id = announced_id(announcement["data"])
            if message_id is None:
                continue
            async with sessions() as session:
                arrived = await inbox_item(session, person_id, message_id)
                count = await unread_count(session, person_id)
            if arrived is not None:
                yield _message(arrived)
                yield _unread(count)
    finally:
        await channel.aclose()  # type: ignore[no-untyped-call]
