"""Keyset pages against a real PostgreSQL: one key column or several, either direction."""

import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
import pytest_asyncio
from kombel_runtime.database import create_engine
from kombel_runtime.errors import Malformed
from kombel_runtime.pagination import encode_cursor, keyset_page
from kombel_runtime.testing.infrastructure import Infrastructure
from sqlalchemy import Column, DateTime, MetaData, Table, Text, select
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

pytestmark = pytest.mark.infra

metadata = MetaData()
entries = Table(
    f"entries_{secrets.token_hex(4)}",
    metadata,
    Column("id", PG_UUID(as_uuid=True), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("name", Text, nullable=False),
)
START = datetime(2026, 5, 25, 8, 0, tzinfo=UTC)


@pytest_asyncio.fixture
async def session(infrastructure: Infrastructure) -> AsyncIterator[AsyncSession]:
    """A session on a table of 25 rows whose times repeat: five rows share each instant."""
    engine = create_engine(infrastructure.endpoints.database_url("postgres"), pool_size=1)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(
            entries.insert(),
            [
                {"id": uuid4(), "created_at": START + timedelta(minutes=i // 5), "name": f"e{i}"}
                for i in range(25)
            ],
        )
    try:
        async with AsyncSession(engine) as opened:
            yield opened
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.drop_all)
        await engine.dispose()


async def every_page(session: AsyncSession, **options: Any) -> list[list[dict[str, Any]]]:
    pages, cursor = [], None
    while True:
        page = await keyset_page(
            session, select(entries), limit=4, cursor=cursor, item=dict, **options
        )
        assert page.total == 25
        pages.append(page.items)
        if page.next is None:
            return pages
        cursor = page.next


async def test_a_two_column_key_pages_newest_first_without_skipping_or_repeating(
    session: AsyncSession,
) -> None:
    pages = await every_page(
        session,
        key=(entries.c.created_at, entries.c.id),
        parse=(datetime.fromisoformat, UUID),
        newest_first=True,
    )
    seen = [(row["created_at"], row["id"]) for page in pages for row in page]
    assert len(pages) == 7
    assert len(set(seen)) == 25
    assert seen == sorted(seen, reverse=True)


async def test_a_single_column_key_still_pages_ascending(session: AsyncSession) -> None:
    pages = await every_page(session, key=entries.c.id, parse=UUID)
    ids = [row["id"] for page in pages for row in page]
    assert ids == sorted(ids)
    assert len(set(ids)) == 25


async def test_a_cursor_of_another_shape_is_refused(session: AsyncSession) -> None:
    for cursor in ("bukan-kursor", encode_cursor([str(uuid4())]), encode_cursor(["x", "y"])):
        with pytest.raises(Malformed) as refused:
            await keyset_page(
                session,
                select(entries),
                (entries.c.created_at, entries.c.id),
                limit=4,
                cursor=cursor,
                item=dict,
                parse=(datetime.fromisoformat, UUID),
            )
        assert refused.value.code == "invalid_cursor"
