"""A ticket's QR code read by the camera (Chromium's fake camera showing it)."""

import io
from pathlib import Path

import pytest
import segno
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkotas
from PIL import Image
from playwright.async_api import async_playwright, expect
from reporting.console.testing import CHROMIUM, CHROMIUM_FLAGS, DESKTOP, ConsoleBrowser

from .test_checkin_offline import a_bimtek_today, checkin_page, registered, row

pytestmark = pytest.mark.infra


def qr_video(ticket: str, path: Path) -> None:
    buffer = io.BytesIO()
    segno.make(ticket, error="m", boost_error=False).save(buffer, kind="png", scale=4, border=4)
    code = Image.open(buffer).convert("RGB")
    frame = Image.new("RGB", (640, 480), "white")
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    jpeg = io.BytesIO()
    frame.save(jpeg, format="JPEG", quality=90)
    path.write_bytes(jpeg.getvalue() * 20)


async def test_a_ticket_shown_to_the_camera_is_read_and_checked_in(
    platform: RunningPlatform, console_url: str, tmp_path: Path
) -> None:
    """Where the browser has no QR reader of its own, jsQR reads the camera's frames."""
    (here,) = fresh_kabkotas(1)
    training_id, sessions = await a_bimtek_today(platform, "Bimtek Kamera", here)
    rina = await registered(platform, training_id, sessions[here], here, "Rina Kamera")
    video = tmp_path / "qr.mjpeg"
    qr_video(rina["ticket"], video)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                *CHROMIUM_FLAGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        context = await browser.new_context(viewport=DESKTOP, permissions=["camera"])
        holder = ConsoleBrowser(context=context, base_url=console_url, screenshots=tmp_path)
        page = await checkin_page(holder, here, training_id, sessions[here])
        await page.get_by_role("button", name="Buka kamera").click()
        await expect(page.get_by_role("button", name="Tutup kamera")).to_be_visible()
        await expect(row(page, rina["id"])).to_have_attribute("data-result", "ok", timeout=20_000)
        assert holder.page_errors == []
        await browser.close()
