"""The check-in page can be installed on a committee's phone: a web manifest in Indonesian, an
icon, and a service worker that controls the page; Chromium itself finds nothing missing."""

import pytest
from playwright.async_api import expect
from reporting.console.testing import ConsoleBrowser

pytestmark = pytest.mark.infra


async def test_chromium_finds_the_checkin_page_installable(console: ConsoleBrowser) -> None:
    page = await console.new_page()
    await page.goto(console.url("/checkin"))
    await expect(page.get_by_role("heading", name="Presensi Bimtek")).to_be_visible()
    # Without a session the page says how to get one, and still opens.
    await expect(page.get_by_role("link", name="Masuk ke konsol")).to_be_visible()
    await page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    cdp = await console.context.new_cdp_session(page)
    answer = await cdp.send("Page.getAppManifest")
    assert answer["errors"] == []
    manifest = answer["manifest"]
    assert manifest["name"] == "Presensi Bimtek Kombel"
    assert manifest["startUrl"] == console.url("/checkin")
    assert manifest["scope"] == console.url("/")
    assert manifest["display"] == "kStandalone"
    assert manifest["icons"]
    # A browser context of a test is incognito, where nothing installs; nothing else is wrong.
    checked = await cdp.send("Page.getInstallabilityErrors")
    assert {e["errorId"] for e in checked["installabilityErrors"]} <= {"in-incognito"}
