"""Logging a community's activity from a phone (360 px wide): the community found by name, the
form filled by its labels, a photo attached, and the activity shown back with its photo, as the
API lists it."""

import io
import re
import uuid
from typing import Any

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkotas
from membership.testing import community
from PIL import Image
from playwright.async_api import expect
from reporting.console.testing import PHONE, ConsoleBrowser

pytestmark = pytest.mark.infra


def small_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 110, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_an_activity_logged_on_a_phone_is_listed_with_its_photo(
    platform: RunningPlatform, console: ConsoleBrowser
) -> None:
    (here,) = fresh_kabkotas(1)
    name = f"KKG Gugus Foto {uuid.uuid4().hex[:6]}"
    made = await community(platform, here, name=name)
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=here)

    async def listed(path: str) -> Any:
        return await platform.client.get(path, headers=staff)

    # Reporting's directory (where the page finds it) and activities' replica know it.
    await eventually(
        lambda: listed(f"/reporting/communities?q={name}"),
        lambda r: r.status_code == 200 and r.json()["total"] == 1,
        timeout_s=30,
    )
    activities = f"/activities/communities/{made['id']}/activities"
    await eventually(lambda: listed(activities), lambda r: r.status_code == 200, timeout_s=30)

    page = await console.sign_in("district_staff", kabkota=here)
    await page.set_viewport_size(PHONE)
    await page.goto(console.url("/kegiatan"))
    await page.get_by_label("Cari komunitas").fill(name)
    await page.get_by_role("button", name="Cari").click()
    await page.get_by_role("link", name="Catat kegiatan").click()
    await expect(page.get_by_role("heading", name="Catat kegiatan", level=1)).to_be_visible()
    await expect(page.get_by_text(name).first).to_be_visible()

    await page.get_by_label("Judul kegiatan").fill("Perencanaan pembelajaran berdiferensiasi")
    await page.get_by_label("Tahap siklus").select_option(label="Perencanaan")
    await page.get_by_label("Tempat", exact=True).fill("Ruang guru SD Negeri 1")
    await page.get_by_label("Topik").fill("Asesmen diagnostik kelas 4")
    camera = page.get_by_label("Ambil foto dengan kamera")
    assert await camera.get_attribute("accept") == "image/*"
    assert await camera.get_attribute("capture") is not None
    await page.get_by_label("Atau pilih foto yang sudah ada").set_input_files(
        {"name": "diskusi.png", "mimeType": "image/png", "buffer": small_png()}
    )
    await page.get_by_role("button", name="Simpan kegiatan").click()

    saved = page.locator("#activity-saved")
    await expect(saved).to_contain_text("Kegiatan tersimpan.")
    await expect(saved).to_contain_text("Perencanaan pembelajaran berdiferensiasi")
    photo = saved.get_by_role("img", name="Foto kegiatan: diskusi.png")
    # Drawn from its thumbnail, fetched with the token.
    await expect(photo).to_have_attribute("src", re.compile(r"^blob:"))
    await page.wait_for_function(
        "() => [...document.querySelectorAll('#activity-saved img')]"
        ".some((image) => image.complete && image.naturalWidth > 0)"
    )
    # Nothing is wider than the phone's screen.
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await console.shoot(page, "kegiatan")
    assert await console.low_contrast(page) == []

    listing = (await listed(activities)).json()
    assert [a["title"] for a in listing["items"]] == ["Perencanaan pembelajaran berdiferensiasi"]
    logged = listing["items"][0]
    assert (logged["phase"], logged["place"]) == ("perencanaan", "Ruang guru SD Negeri 1")
    evidence = (await listed(f"/activities/activities/{logged['id']}/evidence")).json()
    assert [(e["filename"], e["content_type"]) for e in evidence] == [("diskusi.png", "image/png")]
