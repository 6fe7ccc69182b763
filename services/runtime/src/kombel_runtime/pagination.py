"""Keyset pages: `{"items": [...], "total": N, "next": cursor}`.

The cursor is the sort key of the last item, opaque to clients; a page never skips or
repeats rows when rows are added between requests.
"""

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

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


async def keyset_page(
    session: AsyncSession,
    query: Select[Any],
    key: ColumnElement[Any],
    *,
    limit: int,
    cursor: str | None,
    item: Callable[[dict[str, Any]], T],
    parse: Callable[[str], Any] = str,
    newest_first: bool = False,
) -> Page[T]:
    """One page of `query` ordered by a unique `key` (descending with `newest_first`), with the
    total over all pages."""
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    if cursor:
        (after,) = decode_cursor(cursor, 1)
        try:
            query = query.where(key < parse(after) if newest_first else key > parse(after))
        except ValueError as error:
            raise invalid_cursor() from error
    order = key.desc() if newest_first else key
    rows = (await session.execute(query.order_by(order).limit(limit + 1))).mappings().all()
    items = [item(dict(row)) for row in rows[:limit]]
    last = rows[limit - 1][key] if len(rows) > limit else None
    return Page(items=items, total=total, next=encode_cursor([last]) if last is not None else None)
