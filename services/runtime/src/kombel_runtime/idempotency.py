"""`Idempotency-Key` on POST: a retried request gets the first answer instead of a second effect.

Answers are kept in Redis for a day, per caller and key. The caller is the subject of the token
the edge has verified (`admission.py`), not the token itself: a retry with a refreshed token
still gets the first answer, and a request whose token is no longer valid never reaches this
point. Requests without a verified caller (public paths) are not replayed. The same key with
a different request (path, query or body) is refused; a retry while the first request still
runs gets 409. A multipart upload is compared without its boundary, which every client picks
anew for each attempt.
"""

import hashlib
import json
from typing import Any

import redis.asyncio as redis
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kombel_runtime.asgi import read_body, send_json
from kombel_runtime.auth import PRINCIPAL_STATE, Principal
from kombel_runtime.errors import error_body

TTL_S = 24 * 3600
_PENDING = "pending"


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, client: "redis.Redis", namespace: str) -> None:
        self.app = app
        self.client = client
        self.namespace = namespace

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        key = headers.get(b"idempotency-key")
        principal = scope.get("state", {}).get(PRINCIPAL_STATE)
        if not key or not isinstance(principal, Principal):
            await self.app(scope, receive, send)
            return
        if len(key) > 200:
            await _answer(
                send,
                400,
                error_body(
                    "idempotency_key_invalid",
                    "Idempotency-Key terlalu panjang (maksimal 200 karakter).",
                ),
            )
            return
        body, receive = await read_body(receive)
        caller = hashlib.sha256(principal.subject.encode()).hexdigest()[:32]
        fingerprint = _fingerprint(scope, headers.get(b"content-type", b""), body)
        redis_key = f"{self.namespace}:idem:{caller}:{hashlib.sha256(key).hexdigest()}"
        claimed = await self.client.set(
            redis_key,
            json.dumps({"state": _PENDING, "fingerprint": fingerprint}),
            nx=True,
            ex=TTL_S,
        )
        if not claimed:
            stored = json.loads(await self.client.get(redis_key) or "{}")
            if stored.get("fingerprint") != fingerprint:
                await _answer(
                    send,
                    422,
                    error_body(
                        "idempotency_key_reused",
                        "Kunci ini sudah dipakai untuk permintaan lain; pakai kunci baru.",
                    ),
                )
            elif stored.get("state") == _PENDING:
                await _answer(
                    send,
                    409,
                    error_body(
                        "idempotency_in_progress",
                        "Permintaan dengan Idempotency-Key ini masih diproses. Coba lagi sebentar.",
                    ),
                )
            else:
                await _answer(
                    send,
                    stored["status"],
                    stored["body"],
                    replayed=True,
                    headers=stored.get("headers", []),
                )
            return
        captured: dict[str, Any] = {"body": b""}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = [
                    (k.decode(), v.decode())
                    for k, v in message.get("headers", [])
                    if k.lower() in (b"location", b"content-type")
                ]
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, receive, capture)
        except BaseException:
            await self.client.delete(redis_key)
            raise
        if captured.get("status", 500) >= 500:
            await self.client.delete(redis_key)  # a server failure may be retried for real
            return
        await self.client.set(
            redis_key,
            json.dumps(
                {
                    "state": "done",
                    "fingerprint": fingerprint,
                    "status": captured["status"],
                    "body": json.loads(captured["body"] or b"null"),
                    "headers": captured.get("headers", []),
                }
            ),
            ex=TTL_S,
        )


def _fingerprint(scope: Scope, content_type: bytes, body: bytes) -> str:
    digest = hashlib.sha256(scope["path"].encode())
    digest.update(b"\0" + scope.get("query_string", b"") + b"\0")
    boundary = _boundary(content_type)
    digest.update(body.replace(boundary, b"") if boundary else body)
    return digest.hexdigest()


def _boundary(content_type: bytes) -> bytes | None:
    kind, _, parameters = content_type.partition(b";")
    if not kind.strip().lower().startswith(b"multipart/"):
        return None
    for parameter in parameters.split(b";"):
        name, _, value = parameter.strip().partition(b"=")
        if name.lower() == b"boundary" and value.strip(b'"'):
            return value.strip(b'"')
    return None


async def _answer(
    send: Send,
    status: int,
    body: Any,
    *,
    replayed: bool = False,
    headers: list[tuple[str, str]] | None = None,
) -> None:
    raw = [(k.encode(), v.encode()) for k, v in (headers or [])]
    if replayed:
        raw.append((b"idempotent-replayed", b"true"))
    await send_json(send, status, body, raw)
