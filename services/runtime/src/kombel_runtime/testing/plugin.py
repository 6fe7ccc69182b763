"""Pytest fixtures of the platform: real servers once per session, the platform on top.

Unit tests request none of these and so start nothing.
"""

import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack

import httpx
import pytest
import pytest_asyncio

from kombel_runtime.platform import EmbeddedPlatform
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.infrastructure import Infrastructure, test_infrastructure

# Client timeouts in tests are short, so fault tests can outlast them in seconds.
TEST_SETTINGS = {
    "kafka_request_timeout_ms": 4000,
    "kafka_session_timeout_ms": 6000,
    "relay_poll_interval_s": 0.5,
    "consumer_retry_base_s": 0.05,
    "consumer_max_attempts": 3,
}


@pytest.fixture(scope="session")
def infrastructure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infrastructure]:
    with test_infrastructure(tmp_path_factory.mktemp("kombel-stack")) as found:
        yield found


@pytest_asyncio.fixture(scope="session")
async def platform(
    infrastructure: Infrastructure, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningPlatform]:
    """All four services with their workers, on fresh databases, behind one HTTP client."""
    embedded = EmbeddedPlatform(
        infrastructure.endpoints,
        tmp_path_factory.mktemp("kombel-platform"),
        overrides=TEST_SETTINGS,
        database_prefix=f"kt{secrets.token_hex(3)}",
    )
    await embedded.prepare()
    apps = embedded.apps()
    async with AsyncExitStack() as stack:
        for app in apps.values():
            await stack.enter_async_context(app.router.lifespan_context(app))
        client = await stack.enter_async_context(
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=embedded.gateway_of(apps)),
                base_url="http://kombel.test",
            )
        )
        running = RunningPlatform(embedded, apps, client, infrastructure)
        await running.until_consuming()
        yield running
