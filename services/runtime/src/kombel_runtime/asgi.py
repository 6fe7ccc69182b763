"""Raw ASGI pieces the edge middlewares share: answering with JSON, and reading a body once
so that the app behind can read it again."""

import json
from collections.abc import Iterable
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from kombel_runtime.errors import ApiError, error_body


def header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of a request header; `name` in lower case."""
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


async def send_json(
    send: Send, status: int, body: Any, headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    payload = json.dumps(body).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw += [(k, v) for k, v in headers if k.lower() not in (b"content-type", b"content-length")]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


async def send_error(send: Send, error: ApiError) -> None:
    """The answer `install_error_handlers` gives an `ApiError`, for code outside the app."""
    headers = [(k.lower().encode(), v.encode()) for k, v in (error.headers or {}).items()]
    await send_json(
        send, error.status, error_body(error.code, error.message, error.details), headers
    )


async def read_body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole request body, and a `receive` that hands it to the app as if unread."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            # The client went away: hand that on instead of a body.
            return b"", _replaying(message, receive)
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    return body, _replaying({"type": "http.request", "body": body, "more_body": False}, receive)


def _replaying(first: Message, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return first

    return replay
