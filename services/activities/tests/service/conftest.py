"""The service tier: activities' use cases against its real, migrated database, called as a
router or a consumer would call them, with no HTTP and no Kafka between."""

import secrets
from collections.abc import AsyncIterator

import pytest_asyncio
from activities.app import definition
from kombel_runtime.testing.databases import migrated_database
from kombel_runtime.testing.infrastructure import Infrastructure
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


@pytest_asyncio.fixture(scope="session")
async def activities_sessions(
    infrastructure: Infrastructure,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with migrated_database(
        infrastructure, definition, f"ks{secrets.token_hex(3)}_activities"
    ) as sessions:
        yield sessions


@pytest_asyncio.fixture
async def session(
    activities_sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session of its own for the test; each use case runs in a transaction the test opens,
    as a router opens one per request."""
    async with activities_sessions() as opened:
        yield opened
