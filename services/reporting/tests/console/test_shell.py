"""The console's shell: sign-in through the dev sign-in page, the session every page shares,
the navigation in Indonesian at phone and desktop widths, and the files it serves."""

import json

import pytest
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkotas, province_of
from playwright.async_api import expect
from reporting.console.pages import VENDOR
from reporting.console.testing import PHONE, ConsoleBrowser

pytestmark = pytest.mark.infra


async def test_dev_sign_in_keeps_the_session_pages_share(console: ConsoleBrowser) -> None:
    (kabkota,) = fresh_kabkotas(1)
    page = await console.new_page()
    await page.goto(console.url("/impor"))
    # Without a session a page sends the browser to sign in, and back afterwards.
    await expect(page.get_by_role("heading", name="Masuk (mode pengembangan)")).to_be_visible()
    await console.shoot(page, "masuk")
    assert await console.low_contrast(page) == []
    await page.get_by_label("Peran").select_option(label="Staf Dinas kabupaten/kota")
    await page.get_by_label("Kode kabupaten/kota").fill(kabkota)
    await page.get_by_label("Nama tampilan").fill("Rina Staf Dinas")
    await page.get_by_role("button", name="Masuk").click()
    await page.wait_for_url(console.url("/impor"))

    stored = json.loads(await page.evaluate("localStorage.getItem('kombel.session')"))
    assert set(stored) == {"access_token", "expires_at", "principal"}
    assert stored["principal"] == {
        "roles": ["district_staff"],
        "province": province_of(kabkota),
        "kabkota": kabkota,
        "person": None,
        "name": "Rina Staf Dinas",
    }
    navigation = page.get_by_role("navigation", name="Navigasi utama")
    for label in ("Dasbor", "Kegiatan", "Pelatihan", "Impor anggota", "Kotak masuk"):
        await expect(navigation.get_by_role("link", name=label)).to_be_visible()
    await expect(page.get_by_text("Rina Staf Dinas")).to_be_visible()
    assert await console.low_contrast(page) == []

    # The token works against the APIs, through the shared `api()` of the pages.
    answer = await page.evaluate(
        """async () => {
            const { api } = await import('/console/src/api.js');
            const page = await api('/reporting/communities', { query: { limit: 1 } });
            try { await api('/reporting/communities', { query: { limit: 0 } }); }
            catch (error) { return { total: page.total, code: error.code, name: error.name }; }
        }"""
    )
    assert answer == {"total": 0, "code": "validation_failed", "name": "ApiError"}

    await page.get_by_role("button", name="Keluar").click()
    await expect(page.get_by_role("heading", name="Masuk (mode pengembangan)")).to_be_visible()
    assert await page.evaluate("localStorage.getItem('kombel.session')") is None


async def test_navigation_works_by_keyboard_on_a_phone(console: ConsoleBrowser) -> None:
    (kabkota,) = fresh_kabkotas(1)
    page = await console.sign_in("district_staff", kabkota=kabkota)
    await page.set_viewport_size(PHONE)
    # The first Tab reaches the link that skips to the page's content.
    await page.locator("body").press("Tab")
    await expect(page.get_by_role("link", name="Langsung ke isi halaman")).to_be_focused()
    menu = page.get_by_role("button", name="Menu")
    navigation = page.get_by_role("navigation", name="Navigasi utama")
    await expect(navigation).to_be_hidden()
    await menu.focus()
    await page.keyboard.press("Enter")
    await expect(menu).to_have_attribute("aria-expanded", "true")
    await expect(navigation.get_by_role("link", name="Kotak masuk")).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(navigation).to_be_hidden()
    # Nothing is wider than the phone's screen.
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


async def test_dev_sign_in_refuses_a_role_without_its_scope(
    platform: RunningPlatform, console: ConsoleBrowser
) -> None:
    page = await console.new_page()
    await page.goto(console.url("/masuk"))
    await page.get_by_label("Peran").select_option(label="Staf Dinas kabupaten/kota")
    await page.get_by_role("button", name="Masuk").click()
    await expect(page.get_by_role("alert")).to_contain_text("kode kabupaten/kota")
    answer = await platform.client.post("/console/dev/token", json={"role": "district_staff"})
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "scope_required"


async def test_files_are_served_from_the_console_folder_only(platform: RunningPlatform) -> None:
    client = platform.client
    page = await client.get("/console/wilayah/12")
    assert page.status_code == 200
    assert "Konsol Kombel" in page.text
    assert "script-src 'self' 'sha256-" in page.headers["content-security-policy"]
    imports = json.loads(page.text.split('<script type="importmap">')[1].split("</script>")[0])
    module = imports["imports"]["uplot"]
    vendor = await client.get(module)
    assert vendor.status_code == 200
    assert "immutable" in vendor.headers["cache-control"]
    assert vendor.headers["content-type"].startswith("text/javascript")

    style = await client.get("/console/styles/console.css")
    assert style.status_code == 200
    again = await client.get(
        "/console/styles/console.css", headers={"If-None-Match": style.headers["etag"]}
    )
    assert again.status_code == 304

    for path in (
        "/console/node_modules/uplot/package.json",
        "/console/package-lock.json",
        "/console/src/..%2F..%2Fapp.py",
        "/console/vendor/uplot@0.0.0/dist/uPlot.esm.js",
        "/console/vendor/left-pad@1.0.0/index.js",
        f"/console/vendor/uplot@{module.split('@')[1].split('/')[0]}/package.json",
        "/console/src/nothing-here.js",
    ):
        refused = await client.get(path)
        assert refused.status_code == 404, path
    assert set(VENDOR) == {"uplot", "jsqr"}

    config = await client.get("/console/config.json")
    assert config.json() == {"sign_in": "dev", "oidc": None}
