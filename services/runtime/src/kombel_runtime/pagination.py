"""Keyset pages: `{"items": [...], "total": N, "next": cursor}`.

The cursor is the sort key of the last item, opaque to clients; a page never skips or
repeats rows when rows are added between requests. The key is one unique column (`id`,
`npsn`) or several that are unique together, e.g. `(created_at, id)` for "newest first" when
ids alone do not follow time; rows compare as tuples, so every column sorts the same way.
"""

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from kombel_runtime.errors import Malformed

T = TypeVar("T")
U = TypeVar("U")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    next: str | None

    def map(self, convert: Callable[[T], U]) -> "Page[U]":
        """The same page with each item converted, e.g. a record into its response."""
        return Page[U](items=[convert(i) for i in self.items], total=self.total, next=self.next)


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


def invalid_cursor() -> Malformed:
    return Malformed("invalid_cursor", "Nilai `cursor` tidak sah. Mulai lagi dari halaman pertama.")


def contains(text: str) -> str:
    """An ILIKE pattern matching `text` anywhere, with the caller's wildcards taken literally."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


Parse = Callable[[str], Any]


async def keyset_page(
    session: AsyncSession,
    query: Select[Any],
    key: ColumnElement[Any] | Sequence[ColumnElement[Any]],
    *,
    limit: int,
    cursor: str | None,
    item: Callable[[dict[str, Any]], T],
    parse: Parse | Sequence[Parse] = str,
    newest_first: bool = False,
) -> Page[T]:
    """One page of `query` ordered by `key`, one column or several unique together (descending
    with `newest_first`), with the total over all pages. `parse` turns the cursor's text back
    into each column's value: one function for all columns, or one per column."""
    columns = [key] if isinstance(key, ColumnElement) else list(key)
    parsers = [parse] * len(columns) if callable(parse) else list(parse)
    if len(parsers) != len(columns):
        raise ValueError("one parser per key column")
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    if cursor:
        texts = decode_cursor(cursor, len(columns))
        try:
            after = [
                literal(read(text), type_=column.type)
                for read, text, column in zip(parsers, texts, columns, strict=True)
            ]
        except ValueError as error:
            raise invalid_cursor() from error
        left, right = (
            (columns[0], after[0]) if len(columns) == 1 else (tuple_(*columns), tuple_(*after))
        )
        query = query.where(left < right if newest_first else left > right)
    order = [c.desc() for c in columns] if newest_first else columns
    rows = (await session.execute(query.order_by(*order).limit(limit + 1))).mappings().all()
    items = [item(dict(row)) for row in rows[:limit]]
    last = [rows[limit - 1][c] for c in columns] if len(rows) > limit else None
    return Page(items=items, total=total, next=encode_cursor(last) if last is not None else None)
