"""A service's own database for tests of its use cases: created fresh, migrated to head, and
reached through sessions alone, with no app, no HTTP and no broker around it."""

import contextlib
import secrets
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kombel_runtime.database import create_engine, session_factory, upgrade_to_head_async
from kombel_runtime.embedded.stack import ensure_database
from kombel_runtime.service import ServiceDefinition
from kombel_runtime.testing.infrastructure import Infrastructure


@contextlib.asynccontextmanager
async def migrated_database(
    infrastructure: Infrastructure, definition: ServiceDefinition, name: str
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the database `name`, created if missing and migrated with the service's
    migrations; a name no other test uses keeps the records of one tier apart from another's."""
    await ensure_database(infrastructure.endpoints.postgres_admin_url, name)
    url = infrastructure.endpoints.database_url(name)
    await upgrade_to_head_async(definition.migrations, url)
    engine = create_engine(url, pool_size=4)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


def service_tier_fixtures(definition: ServiceDefinition) -> tuple[Any, Any]:
    """The two fixtures of a service tier's conftest: `service_sessions` on the service's own
    fresh database (once per test session) and `session`, one session per test, in which each
    use case runs in a transaction the test opens, as a router opens one per request.

    `service_sessions, session = service_tier_fixtures(definition)`
    """

    @pytest_asyncio.fixture(scope="session")
    async def service_sessions(
        infrastructure: Infrastructure,
    ) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
        name = f"ks{secrets.token_hex(3)}_{definition.name}"
        async with migrated_database(infrastructure, definition, name) as sessions:
            yield sessions

    @pytest_asyncio.fixture
    async def session(
        service_sessions: async_sessionmaker[AsyncSession],
    ) -> AsyncIterator[AsyncSession]:
        async with service_sessions() as opened:
            yield opened

    return service_sessions, session
