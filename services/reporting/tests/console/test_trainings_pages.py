"""The training pages: the list of trainings, a training's live roll-up per session that shows a
check-in made at the door within seconds, and a roster upload whose progress reaches 100 %."""

import uuid

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkotas, province_of
from membership.testing import school
from playwright.async_api import expect
from reporting.console.testing import ConsoleBrowser

from .test_checkin_offline import a_bimtek_today, registered

pytestmark = pytest.mark.infra


async def test_a_check_in_at_the_door_shows_in_the_live_roll_up(
    platform: RunningPlatform, console: ConsoleBrowser
) -> None:
    (here,) = fresh_kabkotas(1)
    title = f"Bimtek Rekap Langsung {uuid.uuid4().hex[:6]}"
    training_id, sessions = await a_bimtek_today(platform, title, here)
    rina = await registered(platform, training_id, sessions[here], here, "Rina Wulandari")
    await registered(platform, training_id, sessions[here], here, "Budi Santoso")

    page = await console.sign_in("province_staff", province=province_of(here))
    await page.goto(console.url("/pelatihan"))
    await expect(page.get_by_role("heading", name="Pelatihan", level=1)).to_be_visible()
    await expect(page.get_by_role("link", name=title)).to_be_visible()
    await console.shoot(page, "pelatihan-daftar")
    await page.get_by_role("link", name=title).click()
    await expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    row = page.locator(f'#training-sessions tr[data-session="{sessions[here]}"]')
    await expect(row.locator('[data-column="registered"]')).to_have_text("2")
    await expect(row.locator('[data-column="checked_in"]')).to_have_text("0")
    for label in ("Terdaftar", "Daftar tunggu", "Hadir", "Tidak hadir"):
        await expect(page.locator("#training-totals dt", has_text=label).first).to_be_visible()

    scanned = await platform.client.post(
        "/activities/checkins",
        json={"ticket": rina["ticket"], "session_id": sessions[here]},
        headers=platform.auth(Role.DISTRICT_STAFF, kabkota=here),
    )
    assert scanned.status_code == 200, scanned.text
    # The page refreshes itself: no reload.
    await expect(row.locator('[data-column="checked_in"]')).to_have_text("1", timeout=20_000)
    await expect(page.locator('[data-total="checked_in"] dd')).to_have_text("1")
    await console.shoot(page, "pelatihan")
    assert await console.low_contrast(page) == []

    # A roster, checked first (the default): its progress reaches 100 %.
    npsn = await school(platform, here)
    roster = f"Nama Lengkap,NPSN Sekolah\nDewi Lestari,{npsn}\nAgus Salim,{npsn}\n".encode()
    await page.get_by_label("Berkas daftar peserta (CSV atau XLSX)").set_input_files(
        {"name": "peserta.csv", "mimeType": "text/csv", "buffer": roster}
    )
    await expect(page.get_by_label("Periksa saja dulu (tidak disimpan)")).to_be_checked()
    await page.get_by_role("button", name="Unggah").click()
    progress = page.locator("#roster-progress")
    await expect(progress).to_have_attribute("data-status", "succeeded", timeout=30_000)
    await expect(page.locator("#roster-bar")).to_have_attribute("value", "100")
    await expect(progress).to_contain_text("Selesai (uji coba, tidak disimpan): 100 %")
    await console.shoot(page, "pelatihan-unggah")

    # Each session's row opens the check-in page with that session chosen, to confirm.
    await row.get_by_role("link", name="Presensi").click()
    await expect(page.get_by_role("heading", name="Presensi Bimtek")).to_be_visible()
    await expect(page.get_by_label("Sesi (lokasi dan waktu)")).to_have_value(sessions[here])
    await expect(page.get_by_label("Pelatihan")).to_have_value(training_id)
