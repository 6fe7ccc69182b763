"""Pytest fixtures of the platform: real servers once per session, the platform on top.

Unit tests request none of these and so start nothing.
"""

import os
import secrets
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from kombel_runtime.testing.harness import RunningPlatform, running_platform
from kombel_runtime.testing.infrastructure import Infrastructure, test_infrastructure
from kombel_runtime.testing.regions import POOL
from kombel_runtime.testing.s3_server import S3Server, test_s3_server

# Client timeouts in tests are short, so fault tests can outlast them in seconds.
TEST_SETTINGS = {
    "kafka_request_timeout_ms": 4000,
    "kafka_session_timeout_ms": 6000,
    "relay_poll_interval_s": 0.5,
    "consumer_retry_base_s": 0.05,
    "consumer_max_attempts": 3,
    # Small import limits, so the tests can reach them (services without imports ignore them).
    "import_max_bytes": 2 * 1024 * 1024,
    "import_max_rows": 5000,
    # The whole suite calls from one address with a few subjects, and property tests send
    # thousands of requests: the limits stay on (the code runs) but are never reached. Tests
    # of the limits build their own app with small ones.
    "rate_limit_per_minute": 1_000_000,
    "rate_limit_address_per_minute": 1_000_000,
    "rate_limit_uploads_per_minute": 1_000_000,
    "rate_limit_failed_auth_per_minute": 1_000_000,
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
    async with running_platform(
        infrastructure,
        tmp_path_factory.mktemp("kombel-platform"),
        database_prefix=f"kt{secrets.token_hex(3)}",
        overrides=TEST_SETTINGS,
    ) as running:
        yield running


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """An S3-protocol server (moto, or the one `KOMBEL_TEST_S3_ENDPOINT` names)."""
    with test_s3_server() as server:
        yield server


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line on the regions the run's tests drew: what is left for new tests; with
    `KOMBEL_REGIONS_LOG=<file>`, every draw by its test in that file."""
    if POOL.drawn():
        terminalreporter.write_line(POOL.usage().line())
    # Which test drew what, one line each, for finding the tests that draw the most.
    log = os.environ.get("KOMBEL_REGIONS_LOG")
    if log and POOL.drawn():
        with open(log, "w", encoding="utf-8") as out:
            out.writelines(f"{test}\t{kind}\t{count}\n" for test, kind, count in POOL.draws)
