"""A service's own database for tests of its use cases: created fresh, migrated to head, and
reached through sessions alone, with no app, no HTTP and no broker around it."""

import contextlib
from collections.abc import AsyncIterator

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
