"""`/notifications/inbox/stream`: what the dispatcher announces on Redis reaches the teacher's
open stream, through a real HTTP server (an in-process client would wait for the end of a
stream that does not end)."""

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import httpx
import uvicorn
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkota
from notifications.channels.base import INBOX_STREAM
from notifications.services.inbox_stream import announced_id

from .rows import a_contact, a_message, written


@contextlib.asynccontextmanager
async def served(platform: RunningPlatform) -> AsyncIterator[str]:
    """The running platform behind a real HTTP server on a free local port."""
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(platform.embedded.gateway_of(platform.apps), lifespan="off", log_config=None)
    )
    serving = asyncio.create_task(server.serve(sockets=[listening]))
    await eventually(lambda: asyncio.sleep(0, server.started), bool)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving
        listening.close()


class Events:
    """The events of one Server-Sent Events response, read as they come."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()

    async def next(self) -> tuple[str, dict[str, Any], str | None]:
        name, data, event_id = "message", None, None
        async with asyncio.timeout(30):  # a broken stream fails here instead of hanging
            async for line in self._lines:
                if line.startswith("event: "):
                    name = line[len("event: ") :]
                elif line.startswith("data: "):
                    data = json.loads(line[len("data: ") :])
                elif line.startswith("id: "):
                    event_id = line[len("id: ") :]
                elif line == "" and data is not None:
                    return name, data, event_id
        raise AssertionError("the stream ended")


async def test_a_message_announced_on_redis_reaches_the_open_stream(
    platform: RunningPlatform,
) -> None:
    async with written(platform) as session:
        person = await a_contact(session, fresh_kabkota())
        first = await a_message(session, person, subject="Pesan pertama")
        stranger = await a_contact(session)
        not_theirs = await a_message(session, stranger)
    teacher = platform.auth(Role.MEMBER, person=str(person))
    redis = platform.runtime("notifications").redis
    channel = INBOX_STREAM.format(person_id=person)

    async def subscribers() -> int:
        counts = dict(await redis.pubsub_numsub(channel))
        return int(counts.get(channel.encode(), counts.get(channel, 0)))

    async with (
        served(platform) as base,
        httpx.AsyncClient(base_url=base, timeout=30) as client,
        client.stream("GET", "/notifications/inbox/stream", headers=teacher) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = Events(response)
        assert await events.next() == ("unread", {"unread": 1}, None)

        async with written(platform) as session:
            second = await a_message(session, person, subject="Pesan kedua", body="Isinya")
        # Someone else's message named on this channel, and noise, show nothing.
        await redis.publish(channel, str(not_theirs))
        await redis.publish(channel, "bukan pesan")
        await redis.publish(channel, json.dumps({"id": str(second)}))
        name, item, event_id = await events.next()
        assert (name, event_id) == ("message", str(second))
        assert (item["id"], item["subject"], item["body"]) == (str(second), "Pesan kedua", "Isinya")
        assert await events.next() == ("unread", {"unread": 2}, None)
        assert await subscribers() == 1

    # Closing the stream ends its subscription.
    await eventually(subscribers, lambda count: count == 0)

    # A stream that reconnects gets what arrived after the last message it saw, first.
    async with (
        served(platform) as base,
        httpx.AsyncClient(base_url=base, timeout=30) as client,
        client.stream(
            "GET",
            "/notifications/inbox/stream",
            headers=teacher | {"Last-Event-ID": str(first)},
        ) as response,
    ):
        events = Events(response)
        name, item, event_id = await events.next()
        assert (name, event_id, item["subject"]) == ("message", str(second), "Pesan kedua")
        assert await events.next() == ("unread", {"unread": 2}, None)


async def test_an_announcement_is_a_message_id_as_text_or_in_json() -> None:
    message_id = UUID("0190a9b0-0000-7000-8000-000000000001")
    assert announced_id(str(message_id).encode()) == message_id
    assert announced_id(json.dumps({"id": str(message_id)}).encode()) == message_id
    assert announced_id(json.dumps({"message_id": str(message_id)})) == message_id
    assert announced_id(b"{}") is None
    assert announced_id(b"\xff\xfe") is None
