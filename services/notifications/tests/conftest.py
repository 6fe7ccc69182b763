"""Fixtures of notifications' tests: its own migrated databases (the service tier), Redis,
and the real servers a message goes to (an SMTP server and an HTTP gateway, on 127.0.0.1)."""

import secrets
from collections.abc import AsyncIterator

import pytest_asyncio
import redis.asyncio as redis
from kombel_runtime.testing.databases import migrated_database, service_tier_fixtures
from kombel_runtime.testing.infrastructure import Infrastructure
from notifications.app import definition
from notifications.testing import GatewayRecorder, SmtpCatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

service_sessions, session = service_tier_fixtures(definition)


@pytest_asyncio.fixture
async def fresh_sessions(
    infrastructure: Infrastructure,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A database of its own for one test: dispatchers claim whatever is due, so a test
    that runs them sees only its own messages."""
    name = f"kn{secrets.token_hex(4)}_notifications"
    async with migrated_database(infrastructure, definition, name) as sessions:
        yield sessions


@pytest_asyncio.fixture
async def redis_client(infrastructure: Infrastructure) -> AsyncIterator["redis.Redis"]:
    client = redis.Redis.from_url(infrastructure.endpoints.redis_url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest_asyncio.fixture
async def smtp() -> AsyncIterator[SmtpCatcher]:
    async with SmtpCatcher() as catcher:
        yield catcher


@pytest_asyncio.fixture
async def gateway() -> AsyncIterator[GatewayRecorder]:
    async with GatewayRecorder() as recorder:
        yield recorder
