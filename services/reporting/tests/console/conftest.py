"""Fixtures of the console's browser tests: the platform on a real port of 127.0.0.1 and
headless Debian chromium, with one fresh browser context per test."""

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from kombel_runtime.testing.harness import RunningPlatform
from playwright.async_api import Browser
from reporting.console.testing import DESKTOP, ConsoleBrowser, chromium, served


@pytest_asyncio.fixture(scope="session")
async def console_url(platform: RunningPlatform) -> AsyncIterator[str]:
    """The base URL of the platform's one origin, served over HTTP for the browser."""
    async with served(platform.embedded.gateway_of(platform.apps)) as url:
        yield url


@pytest_asyncio.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as running:
        yield running


@pytest_asyncio.fixture
async def console(
    browser: Browser, console_url: str, request: pytest.FixtureRequest
) -> AsyncIterator[ConsoleBrowser]:
    """A browser context of its own (fresh storage) on the console; a script error in any of
    its pages fails the test."""
    context = await browser.new_context(
        viewport=DESKTOP, locale="id-ID", timezone_id="Asia/Jakarta"
    )
    context.set_default_timeout(15_000)
    holder = ConsoleBrowser(
        context=context,
        base_url=console_url,
        screenshots=request.config.rootpath / "build" / "screenshots",
    )
    try:
        yield holder
    finally:
        await context.close()
    assert holder.page_errors == [], holder.page_errors
