"""What the console's browser tests use: the platform on a real local port, headless Debian
chromium driven by Playwright, sign-in through the dev sign-in page, and screenshots at phone
and desktop widths for review (`build/screenshots/`)."""

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize, async_playwright
from starlette.types import ASGIApp

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
# A function for `page.evaluate`, without the file's leading comment (Playwright calls what
# starts as a function and evaluates anything else as an expression).
LOW_CONTRAST = "\n".join(
    line
    for line in (Path(__file__).parent / "low_contrast.js").read_text().splitlines()
    if not line.startswith("//")
)
PHONE = ViewportSize(width=360, height=740)
DESKTOP = ViewportSize(width=1280, height=800)

ROLE_LABELS = {
    "national_admin": "Admin nasional",
    "province_staff": "Staf provinsi (BBGP/BGP/BPMP)",
    "district_staff": "Staf Dinas kabupaten/kota",
    "principal": "Kepala sekolah",
    "community_lead": "Pengurus komunitas",
    "member": "Anggota",
}


@contextlib.asynccontextmanager
async def served(app: ASGIApp) -> AsyncIterator[str]:
    """Serve an app (already started: its lifespan is not run again) on a free port of
    127.0.0.1 in this event loop; yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, lifespan="off", log_config=None, access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        listener.close()


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Debian's chromium, headless; a missing browser fails the tests rather than skipping."""
    if not Path(CHROMIUM).exists():  # noqa: ASYNC240 (once per test session)
        raise AssertionError(f"{CHROMIUM} is missing: `make chromium` installs it")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class ConsoleBrowser:
    """One test's browser context on the console, with what went wrong in its pages."""

    context: BrowserContext
    base_url: str
    screenshots: Path
    page_errors: list[str] = field(default_factory=list)

    async def new_page(self) -> Page:
        page = await self.context.new_page()
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        return page

    def url(self, path: str) -> str:
        return f"{self.base_url}/console{path}"

    async def sign_in(self, role: str, **scope: Any) -> Page:
        """A page signed in through the dev sign-in form, on the role's starting page."""
        page = await self.new_page()
        await page.goto(self.url("/masuk"))
        await page.get_by_label("Peran").select_option(label=ROLE_LABELS[role])
        labels = {
            "province": "Kode provinsi",
            "kabkota": "Kode kabupaten/kota",
            "person": "ID orang (PTK)",
            "community": "ID komunitas",
            "name": "Nama tampilan",
        }
        for key, value in scope.items():
            await page.get_by_label(labels[key]).fill(str(value))
        await page.get_by_role("button", name="Masuk").click()
        await page.wait_for_url(lambda url: "/console/masuk" not in url)
        return page

    async def low_contrast(self, page: Page) -> list[str]:
        """Texts of the page below WCAG AA contrast."""
        found: list[str] = await page.evaluate(LOW_CONTRAST)
        return found

    async def bearer(self, page: Page) -> dict[str, str]:
        """Headers with the token the page signed in with: the same caller as the page."""
        stored = json.loads(await page.evaluate("localStorage.getItem('kombel.session')"))
        return {"Authorization": f"Bearer {stored['access_token']}"}

    async def shoot(self, page: Page, name: str) -> list[Path]:
        """Screenshots of the whole page at phone and desktop widths."""
        self.screenshots.mkdir(parents=True, exist_ok=True)
        written = []
        for label, size in (("360", PHONE), ("1280", DESKTOP)):
            await page.set_viewport_size(size)
            # Two frames: charts redraw for the new width (open streams keep the network busy,
            # so "network idle" would never come on pages that listen live).
            await page.evaluate(TWO_FRAMES)
            path = self.screenshots / f"{name}-{label}.png"
            await page.screenshot(path=str(path), full_page=True)
            written.append(path)
        return written
