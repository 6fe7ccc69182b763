"""Keyset pages: `{"items": [...], "total": N, "next": cursor}`.

The cursor is the sort key of the last item, opaque to clients; a page never skips or
repeats rows when rows are added between requests.
"""

import base64
import json
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from kombel_runtime.errors import ApiError

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    next: str | None


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps([str(v) for v in values]).encode()).decode()


def decode_cursor(cursor: str, size: int) -> list[str]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        values = None
    if not isinstance(values, list) or len(values) != size:
        raise invalid_cursor()
    return [str(v) for v in values]


def invalid_cursor() -> ApiError:
    return ApiError(
        400, "invalid_cursor", "Nilai `cursor` tidak sah. Mulai lagi dari halaman pertama."
    )


def contains(text: str) -> str:
    """An ILIKE pattern matching `text` anywhere, with the caller's wildcards taken literally."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
