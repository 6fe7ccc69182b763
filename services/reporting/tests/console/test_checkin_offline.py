"""The offline check-in page: a committee's device keeps its session's key while it has signal,
verifies and queues scans with the network cut (a reload included), sends the batch once when
the network is back, and lists in Indonesian what the server or the device refused: a scan of
another device that came first, a cancelled registration, another session's ticket, a forgery."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkotas, province_of
from membership.testing import person, school
from playwright.async_api import Browser, Page, Request, expect
from reporting.console.testing import DESKTOP, PHONE, ConsoleBrowser

pytestmark = pytest.mark.infra


async def a_bimtek_today(
    platform: RunningPlatform, title: str, *kabkotas: str
) -> tuple[str, dict[str, str]]:
    """A training of the kabupaten/kota's province scheduled through the API, with a session
    in each running now (scanners refuse times far from their session); its id and the
    session id per kabupaten/kota."""
    province = province_of(kabkotas[0])
    staff = platform.auth(Role.PROVINCE_STAFF, province=province)
    created = await platform.client.post(
        "/activities/trainings",
        json={
            "title": title,
            "organiser": "BBGP Kombel",
            "province_code": province,
            "audience": "Penggerak komunitas belajar",
        },
        headers=staff,
    )
    assert created.status_code == 201, created.text
    training_id: str = created.json()["id"]
    now = datetime.now(UTC)
    sessions = {}
    for kabkota in kabkotas:
        added = await platform.client.post(
            f"/activities/trainings/{training_id}/sessions",
            json={
                "kabkota_code": kabkota,
                "venue": "Aula Dinas Pendidikan",
                "starts_at": (now - timedelta(hours=1)).isoformat(),
                "ends_at": (now + timedelta(hours=6)).isoformat(),
                "capacity": 50,
            },
            headers=staff,
        )
        assert added.status_code == 201, added.text
        sessions[kabkota] = added.json()["id"]
    return training_id, sessions


async def registered(
    platform: RunningPlatform, training_id: str, session_id: str, kabkota: str, name: str
) -> dict[str, Any]:
    """A teacher made in membership and registered through the API once activities knows
    them; the registration with its ticket."""
    teacher = await person(platform, await school(platform, kabkota), full_name=name)
    staff = platform.auth(Role.PROVINCE_STAFF, province=province_of(kabkota))

    async def register() -> Any:
        return await platform.client.post(
            f"/activities/trainings/{training_id}/registrations",
            json={"person_id": teacher["id"], "session_id": session_id},
            headers=staff,
        )

    made = await eventually(register, lambda r: r.status_code == 201, timeout_s=30)
    return await registration(platform, made.json()["id"])


async def registration(platform: RunningPlatform, registration_id: str) -> dict[str, Any]:
    answer = await platform.client.get(
        f"/activities/registrations/{registration_id}", headers=platform.auth(Role.NATIONAL_ADMIN)
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def checkin_page(
    console: ConsoleBrowser, kabkota: str, training_id: str, session_id: str
) -> Page:
    """The check-in page of a committee member of the kabupaten/kota, its session chosen."""
    page = await console.sign_in("district_staff", kabkota=kabkota, name="Panitia Bimtek")
    await page.goto(console.url("/checkin"))
    await expect(page.get_by_role("heading", name="Presensi Bimtek")).to_be_visible()
    await page.get_by_label("Pelatihan").select_option(training_id)
    await page.get_by_label("Sesi (lokasi dan waktu)").select_option(session_id)
    await page.get_by_role("button", name="Gunakan sesi ini").click()
    await expect(page.get_by_role("alert")).to_contain_text("Sesi siap")
    return page


async def scan(page: Page, ticket: str) -> None:
    field = page.get_by_label("Kode tiket")
    await field.fill(ticket)
    await field.press("Enter")


def row(page: Page, registration_id: str) -> Any:
    return page.locator(f'#scans tr[data-registration="{registration_id}"]')


async def test_a_scan_with_the_network_cut_is_uploaded_once_it_is_back(
    platform: RunningPlatform, console: ConsoleBrowser, browser: Browser, console_url: str
) -> None:
    here, there = fresh_kabkotas(2)
    training_id, sessions = await a_bimtek_today(platform, "Bimtek Presensi Luring", here, there)
    rina = await registered(platform, training_id, sessions[here], here, "Rina Wulandari")
    budi = await registered(platform, training_id, sessions[here], here, "Budi Santoso")
    elsewhere = await registered(platform, training_id, sessions[there], there, "Sari Dewi")
    cancelled = await platform.client.post(
        f"/activities/registrations/{budi['id']}/cancel", headers=platform.auth(Role.NATIONAL_ADMIN)
    )
    assert cancelled.status_code == 200, cancelled.text

    page = await checkin_page(console, here, training_id, sessions[here])
    # The roster's names are kept for the scans made offline (Budi's seat is no more).
    await expect(page.locator("#roster")).to_contain_text("1 peserta")
    await page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    sent: list[Request] = []
    page.on(
        "request",
        lambda r: (
            sent.append(r) if r.method == "POST" and r.url.endswith("/checkins/batch") else None
        ),
    )

    await console.context.set_offline(True)
    # With no signal the page itself still opens, from the service worker's cache.
    await page.reload()
    await expect(page.locator("#network")).to_contain_text("Tanpa sinyal")
    await expect(page.locator("#chosen")).to_contain_text("Bimtek Presensi Luring")
    await scan(page, rina["ticket"])
    queued = row(page, rina["id"])
    await expect(queued).to_have_attribute("data-state", "queued")
    await expect(queued).to_contain_text("Rina Wulandari")
    await expect(queued).to_contain_text("Sah, menunggu dikirim")
    await expect(page.locator("#count-queued")).to_have_text("1")
    await console.shoot(page, "presensi-luring")
    assert await console.low_contrast(page) == []
    await page.set_viewport_size(DESKTOP)
    assert sent == []
    assert (await registration(platform, rina["id"]))["checked_in_at"] is None

    await console.context.set_offline(False)
    await expect(queued).to_have_attribute("data-result", "ok")
    await expect(queued).to_contain_text("Hadir, tercatat")
    await expect(page.locator("#last")).to_have_text("Rina Wulandari: Hadir, tercatat")
    await expect(page.locator("#count-queued")).to_have_text("0")
    checked_in = (await registration(platform, rina["id"]))["checked_in_at"]
    assert checked_in is not None
    assert len(sent) == 1
    body = sent[0].post_data_json
    assert body is not None
    assert body["session_id"] == sessions[here]
    assert [s["ticket"] for s in body["scans"]] == [rina["ticket"]]
    assert sent[0].headers.get("idempotency-key")

    # A second device of the committee scans the same ticket, and more that it must refuse.
    other = ConsoleBrowser(
        context=await browser.new_context(
            viewport=PHONE, locale="id-ID", timezone_id="Asia/Jakarta"
        ),
        base_url=console_url,
        screenshots=console.screenshots,
    )
    try:
        second = await checkin_page(other, here, training_id, sessions[here])
        await scan(second, rina["ticket"])
        await scan(second, budi["ticket"])
        await scan(second, elsewhere["ticket"])
        await scan(second, rina["ticket"][:-4] + "AAAA")
        duplicate = row(second, rina["id"])
        await expect(duplicate).to_have_attribute("data-result", "already_checked_in")
        await expect(duplicate).to_contain_text("Sudah tercatat hadir sebelumnya")
        await expect(row(second, budi["id"])).to_have_attribute(
            "data-result", "registration_cancelled"
        )
        conflicts = second.locator("#conflicts li")
        await expect(conflicts).to_have_count(4)
        for text in (
            "Rina Wulandari: Sudah tercatat hadir sebelumnya",
            "Budi Santoso: Pendaftaran peserta ini sudah dibatalkan",
            "Tiket ini untuk sesi lain",
            "Tiket tidak sah",
        ):
            await expect(conflicts.filter(has_text=text)).to_have_count(1)
        await expect(second.locator("#count-conflicts")).to_have_text("4")
        await other.shoot(second, "presensi-konflik")
        assert await other.low_contrast(second) == []
        assert other.page_errors == []
    finally:
        await other.context.close()
    # The first scan holds: the second device changed nothing.
    assert (await registration(platform, rina["id"]))["checked_in_at"] == checked_in
