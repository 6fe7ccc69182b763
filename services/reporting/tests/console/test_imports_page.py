"""The imports page: a spreadsheet uploaded from the browser runs as membership's import, its
progress bar reaches 100 %, and the refused rows download as a CSV."""

import csv
import io
import re

import pytest
from kombel_events.regions import regions
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkotas
from membership.testing import digits
from playwright.async_api import expect
from reporting.console.testing import ConsoleBrowser

pytestmark = pytest.mark.infra


async def test_an_import_runs_to_100_percent_and_its_refused_rows_download(
    platform: RunningPlatform, console: ConsoleBrowser
) -> None:
    (kabkota,) = fresh_kabkotas(1)
    place = regions().by_code[kabkota].display_name
    sheet = io.StringIO()
    csv.writer(sheet).writerows(
        [
            ["NPSN", "Nama Sekolah", "Jenjang", "Status", "Kabupaten/Kota"],
            [digits(8), "SD Negeri 1 Contoh", "SD", "Negeri", place],
            [digits(8), "SMP Negeri 2 Contoh", "SMP", "negeri", kabkota],
            [digits(8), "SMK Swasta Bakti", "SMK", "swasta", kabkota],
            [digits(8), "Sekolah Tinggi Aneh", "Universitas", "negeri", place],
        ]
    )

    page = await console.sign_in("district_staff", kabkota=kabkota)
    await page.goto(console.url("/impor"))
    await expect(page.get_by_role("heading", name="Impor anggota")).to_be_visible()
    await page.get_by_label("Jenis data").select_option(label="Sekolah")
    await page.get_by_label("Berkas", exact=True).set_input_files(
        {"name": "sekolah.csv", "mimeType": "text/csv", "buffer": sheet.getvalue().encode()}
    )
    await page.get_by_label("Periksa saja, tanpa menyimpan").uncheck()
    await console.shoot(page, "impor-awal")
    await page.get_by_role("button", name="Unggah").click()

    progress = page.locator("#import-progress")
    await expect(progress).to_have_attribute("value", "100", timeout=60_000)
    await expect(progress).to_have_attribute("data-status", "succeeded")
    await expect(page.get_by_text("Kemajuan: 100 %")).to_be_visible()
    await expect(page.get_by_text("Impor selesai.")).to_be_visible()
    for key, label, value in (("created", "Baru", "3"), ("rejected", "Ditolak", "1")):
        figure = page.locator(f'#import-status [data-counter="{key}"]')
        await expect(figure.locator("dt")).to_have_text(label)
        await expect(figure.locator("dd")).to_have_text(value)

    # The page shows what membership answers for the import.
    staff = await console.bearer(page)
    history = (await platform.client.get("/membership/imports", headers=staff)).json()
    (latest,) = [i for i in history["items"] if i["filename"] == "sekolah.csv"]
    assert (latest["created"], latest["rejected"], latest["percent"]) == (3, 1, 100.0)
    schools = await platform.client.get(
        "/membership/schools", params={"kabkota": kabkota}, headers=staff
    )
    assert schools.json()["total"] == 3

    async with page.expect_download() as waiting:
        await page.get_by_role("button", name="Unduh baris yang ditolak (CSV)").click()
    downloaded = await waiting.value
    assert re.fullmatch(r"ditolak-.*\.csv", downloaded.suggested_filename)
    path = await downloaded.path()
    refused = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert (refused[0][0], refused[0][-1]) == ("Baris", "Kesalahan")
    assert [row[2] for row in refused[1:]] == ["Sekolah Tinggi Aneh"]

    await expect(page.locator("#imports-table tbody tr").first).to_contain_text("sekolah.csv")
    await console.shoot(page, "impor-selesai")
