"""Dashboards' answers kept in Redis for a few seconds (`KOMBEL_REPORTING_CACHE_SECONDS`).

A province office opening its dashboard, and everyone refreshing it, costs one read of the
read models per few seconds. The key names the answer (what was asked, with its filters) and
the caller's scope, so one scope never reads another's answer. An answer is stored as the JSON
the API gives, so a cached answer and a fresh one are the same. Redis being away makes answers
slower, never wrong: they are then computed every time.

`cached_json` keeps the very bytes of the answer's body: a dashboard refreshed by many people
is then answered with the stored bytes as they are, without reading, re-encoding or opening
the database.
"""

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from fastapi.encoders import jsonable_encoder
from kombel_runtime.service import ServiceRuntime
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

KEY_PREFIX = "reporting:answer:"
DEFAULT_SECONDS = 5.0


def answer_key(parts: Sequence[str]) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return KEY_PREFIX + digest


def _kept_for(runtime: ServiceRuntime, at_most: float | None) -> float:
    """How long an answer is kept: the setting, or less for an answer that must stay live."""
    seconds = float(getattr(runtime.settings, "reporting_cache_seconds", DEFAULT_SECONDS))
    return seconds if at_most is None else min(seconds, at_most)


async def cached_answer(
    runtime: ServiceRuntime,
    parts: Sequence[str],
    compute: Callable[[], Awaitable[Any]],
    *,
    at_most: float | None = None,
) -> Any:
    """The JSON-ready answer named by `parts`, from Redis if still kept, else computed; kept
    for the setting's seconds, or `at_most` if that is shorter."""
    return json.loads(await cached_json(runtime, parts, compute, at_most=at_most))


def _json_value(value: Any) -> Any:
    """What `jsonable_encoder` makes of the values a summary holds that JSON has no type for."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return list(value)
    if isinstance(value, Decimal):
        return int(value) if value.as_tuple().exponent >= 0 else float(value)  # type: ignore[operator]
    return jsonable_encoder(value)


def json_body(answer: Any) -> bytes:
    """The answer as the body `JSONResponse` would send (same separators and characters),
    encoded in one pass of the C encoder."""
    return json.dumps(
        answer,
        default=_json_value,
        ensure_ascii=False,
        allow_nan=False,
        indent=None,
        separators=(",", ":"),
    ).encode("utf-8")


async def cached_json(
    runtime: ServiceRuntime,
    parts: Sequence[str],
    compute: Callable[[], Awaitable[Any]],
    *,
    at_most: float | None = None,
) -> bytes:
    """The JSON body of the answer named by `parts`: the bytes kept in Redis if still kept,
    else computed (and kept, as long as `cached_answer` keeps one)."""
    seconds = _kept_for(runtime, at_most)
    if seconds <= 0:
        return json_body(await compute())
    key = answer_key(parts)
    try:
        kept = await runtime.redis.get(key)
    except RedisError as error:
        log.warning("answer cache unreachable", extra={"error_type": type(error).__name__})
        kept = None
    if kept is not None:
        return kept if isinstance(kept, bytes) else kept.encode()
    body = json_body(await compute())
    try:
        await runtime.redis.set(key, body, px=max(1, int(seconds * 1000)))
    except RedisError as error:
        log.warning("answer cache unreachable", extra={"error_type": type(error).__name__})
    return body


async def forget_answers(runtime: ServiceRuntime) -> None:
    """Drop every kept answer, after a change that alters many (a new active rule): they
    live seconds, so there are few to drop."""
    try:
        async for key in runtime.redis.scan_iter(match=KEY_PREFIX + "*", count=1000):
            await runtime.redis.delete(key)
    except RedisError as error:
        log.warning("answer cache unreachable", extra={"error_type": type(error).__name__})
