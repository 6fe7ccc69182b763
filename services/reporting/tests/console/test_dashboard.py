"""The province dashboard, the district page and the community page show, in Indonesian, the
numbers the APIs answer: per kabupaten/kota, per community, and a community's activities."""

import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from kombel_events.regions import regions
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkotas, fresh_province
from membership.testing import community, created, person, school
from openpyxl import load_workbook
from playwright.async_api import Page, expect
from reporting.console.testing import ConsoleBrowser

pytestmark = pytest.mark.infra


def number(value: Any) -> str:
    """A count as the page writes it (Indonesian thousands separator)."""
    return f"{value:,}".replace(",", ".") if value is not None else "–"


def share(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{round(value * 100, 1):.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} %"


async def summary(platform: RunningPlatform, code: str, **params: str) -> Any:
    response = await platform.client.get(
        f"/reporting/regions/{code}/summary",
        params=params,
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert response.status_code == 200, response.text
    return response.json()


def sheet_values(content: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


async def table_rows(page: Page, table: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = await page.eval_on_selector_all(
        f"#{table} tbody tr",
        """rows => rows.map(row => Object.fromEntries(
            [...row.children].map(cell => [cell.dataset.key, cell.textContent.trim()])))""",
    )
    return rows


async def a_community_with_an_activity(
    platform: RunningPlatform, kabkota: str, name: str, starts_at: str
) -> dict[str, Any]:
    """A community with its penggerak, who logs one activity of the community once activities
    knows of both (from membership's events)."""
    admin = platform.auth(Role.NATIONAL_ADMIN)
    npsn = await school(platform, kabkota, name="SD Negeri 2 Sidikalang")
    lead = await person(platform, npsn, full_name="Rina Sitorus")
    group = await community(platform, kabkota, name=name)
    await created(
        platform,
        f"/membership/communities/{group['id']}/members",
        {"person_id": lead["id"], "role": "penggerak", "since": "2026-01-05"},
        admin,
    )
    as_lead = platform.auth(Role.MEMBER, person=lead["id"])

    async def logged() -> int:
        response = await platform.client.post(
            f"/activities/communities/{group['id']}/activities",
            json={
                "title": "Refleksi hasil Rapor Pendidikan",
                "phase": "refleksi_awal",
                "starts_at": starts_at,
                "duration_minutes": 90,
                "mode": "luring",
                "place": "Ruang guru SD Negeri 2 Sidikalang",
            },
            headers=as_lead,
        )
        assert response.status_code in (201, 403, 404), response.text
        return response.status_code

    await eventually(logged, lambda status: status == 201, timeout_s=30)
    return group


async def test_the_province_dashboard_shows_the_apis_numbers(
    platform: RunningPlatform, console: ConsoleBrowser
) -> None:
    province, kabkotas = fresh_province()
    busy, quiet = kabkotas[0], kabkotas[1]
    for n in range(2):
        await community(platform, busy, name=f"KKG Gugus Melati {n}")
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
    await a_community_with_an_activity(platform, busy, "KKG Gugus Mawar", yesterday)
    await community(
        platform,
        quiet,
        name="MGMP Matematika SMP",
        forum_type="MGMP",
        jenjang=["SMP"],
        subject_name="Matematika",
    )

    def settled(answer: Any) -> bool:
        totals = answer["totals"]
        figures = (totals["activities_30d"], totals["members"]) == (1, 1)
        return bool(totals["communities"] == 4 and figures)

    answer = await eventually(lambda: summary(platform, province), settled)

    page = await console.sign_in("province_staff", province=province)
    await page.wait_for_url(console.url(f"/wilayah/{province}"))
    name = regions().by_code[province].name
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Dasbor {name}")
    for label in ("Komunitas", "Aktif", "Tidak aktif", "Persentase aktif", "Kegiatan 30 hari"):
        await expect(page.locator(".stats dt", has_text=re.compile(f"^{label}$"))).to_have_count(1)
    for key, value in answer["totals"].items():
        shown = page.locator(f'.stats [data-total="{key}"] dd')
        if await shown.count():
            expected = share(value) if key == "active_share" else number(value)
            await expect(shown).to_have_text(expected)

    rows = await table_rows(page, "summary-table")
    assert [
        {
            "name": r["name"],
            "communities": number(r["communities"]),
            "active": number(r["active"]),
            "inactive": number(r["inactive"]),
            "active_share": share(r["active_share"]),
            "activities_30d": number(r["activities_30d"]),
            "members": number(r["members"]),
        }
        for r in answer["items"]
    ] == rows
    counted = {r["kabkota_code"]: r["communities"] for r in answer["items"]}
    assert (counted[busy], counted[quiet]) == (3, 1)

    # Every kabupaten/kota of the province has a tile; those with communities carry a share.
    tiles = page.locator(".tile-map .tile")
    await expect(tiles).to_have_count(len(kabkotas))
    for row in answer["items"]:
        tile = page.locator(f'.tile[data-code="{row["kabkota_code"]}"]')
        await expect(tile).to_contain_text(
            share(row["active_share"]) if row["communities"] else "–"
        )
    await expect(page.locator(".chart canvas").first).to_be_visible()
    await expect(page.get_by_role("button", name="Unduh CSV")).to_be_visible()
    await expect(page.get_by_role("button", name="Unduh XLSX")).to_be_visible()
    await console.shoot(page, "dasbor-provinsi")
    assert await console.low_contrast(page) == []

    # A filter narrows the table to what the API answers for it.
    await page.get_by_label("Jenis forum").select_option(label="MGMP")
    await page.wait_for_url(re.compile(r"forum_type=MGMP"))
    filtered = await summary(platform, province, forum_type="MGMP")
    await expect(page.locator('.stats [data-total="communities"] dd')).to_have_text(
        number(filtered["totals"]["communities"])
    )

    # A tile leads to its kabupaten/kota.
    await page.goto(console.url(f"/wilayah/{province}"))
    await page.locator(f'.tile[data-code="{busy}"]').click()
    await page.wait_for_url(console.url(f"/wilayah/{busy}"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text(regions().by_code[busy].name)


async def test_the_district_page_lists_each_community_as_the_api_does(
    platform: RunningPlatform, console: ConsoleBrowser
) -> None:
    (kabkota,) = fresh_kabkotas(1)
    names = ["KKG Gugus Anggrek", "MGMP IPA SMP", "Komunitas Guru Penggerak"]
    for name in names:
        await community(platform, kabkota, name=name)
    answer = await eventually(
        lambda: summary(platform, kabkota), lambda s: len(s["items"]) == len(names)
    )

    page = await console.sign_in("district_staff", kabkota=kabkota)
    await page.wait_for_url(console.url(f"/wilayah/{kabkota}"))
    for label in ("Komunitas", "Jenis", "Forum", "Anggota", "Kegiatan 30 hari", "Status"):
        header = page.locator("#summary-table thead th", has_text=re.compile(f"^{label}$"))
        await expect(header).to_have_count(1)
    rows = {r["name"]: r for r in await table_rows(page, "summary-table")}
    assert set(rows) == set(names)
    for item in answer["items"]:
        shown = rows[item["name"]]
        assert shown["members"] == number(item["members"])
        assert shown["activities_30d"] == number(item["activities_30d"])
        assert shown["activities_90d"] == number(item["activities_90d"])
        assert shown["active"] == ("Aktif" if item["active"] else "Tidak aktif")
    await console.shoot(page, "kabupaten-kota")

    # The download buttons save what the API answers as CSV and XLSX.
    for format in ("csv", "xlsx"):
        async with page.expect_download() as waiting:
            await page.get_by_role("button", name=f"Unduh {format.upper()}").click()
        saved = await (await waiting.value).path()
        response = await platform.client.get(
            f"/reporting/regions/{kabkota}/summary",
            params={"format": format},
            headers=await console.bearer(page),
        )
        assert response.status_code == 200
        if format == "csv":
            assert saved.read_bytes() == response.content
        else:
            assert sheet_values(saved.read_bytes()) == sheet_values(response.content)


async def test_the_community_page_lists_its_activities(
    platform: RunningPlatform, console: ConsoleBrowser
) -> None:
    (kabkota,) = fresh_kabkotas(1)
    group = await a_community_with_an_activity(
        platform, kabkota, "KKG Gugus Dahlia", "2026-11-20T14:00:00"
    )

    def settled(answer: Any) -> bool:
        rows = answer["items"]
        return [r["community_id"] for r in rows] == [group["id"]] and (
            rows[0]["activities_30d"],
            rows[0]["members"],
        ) == (1, 1)

    answer = await eventually(lambda: summary(platform, kabkota), settled)
    (figures,) = answer["items"]

    page = await console.sign_in("district_staff", kabkota=kabkota)
    await page.goto(console.url(f"/komunitas/{group['id']}"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("KKG Gugus Dahlia")
    await expect(page.get_by_role("heading", name="Kegiatan", exact=True)).to_be_visible()
    await expect(page.locator("#activities-table tbody tr")).to_have_count(1)
    rows = await table_rows(page, "activities-table")
    assert [(r["title"], r["phase"], r["mode"], r["attendees"]) for r in rows] == [
        ("Refleksi hasil Rapor Pendidikan", "Refleksi awal", "Luring", "0")
    ]
    assert rows[0]["local_start"].startswith("20 Nov 2026")
    await expect(page.get_by_role("link", name="Catat kegiatan")).to_be_visible()
    # Its figures are reporting's row for it.
    for key in ("members", "activities_30d", "activities_90d"):
        shown = page.locator(f'.stats [data-figure="{key}"] dd')
        await expect(shown).to_have_text(number(figures[key]))
    await console.shoot(page, "komunitas")
