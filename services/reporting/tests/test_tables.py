"""`table_response`: one table as JSON, CSV or XLSX, formulas defused (no I/O)."""

import csv
import io
import json

from openpyxl import load_workbook
from reporting.api.tables import Column, TableFormat, table_response

COLUMNS = (Column("name", "Nama"), Column("members", "Anggota"), Column("active", "Aktif"))
ITEMS = [
    {"name": "=1+2", "members": 3, "active": True},
    {"name": "Gugus\x07 Mawar", "members": 0, "active": False},
]
TOTALS = {"members": 3}


def test_json_keeps_items_and_totals() -> None:
    response = table_response(TableFormat.JSON, COLUMNS, ITEMS, TOTALS, "x")
    assert json.loads(bytes(response.body)) == {"items": ITEMS, "totals": TOTALS}


def test_csv_and_xlsx_hold_the_same_cells() -> None:
    response = table_response(TableFormat.CSV, COLUMNS, ITEMS, TOTALS, "ringkasan 12/13")
    assert 'filename="ringkasan-12-13.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(bytes(response.body).decode().removeprefix("\ufeff"))))
    assert rows == [
        ["Nama", "Anggota", "Aktif"],
        ["'=1+2", "3", "ya"],
        ["Gugus\x07 Mawar", "0", "tidak"],
        ["Jumlah", "3", ""],
    ]
    response = table_response(TableFormat.XLSX, COLUMNS, ITEMS, TOTALS, "ringkasan")
    sheet = load_workbook(io.BytesIO(bytes(response.body))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["Nama", "Anggota", "Aktif"],
        ["'=1+2", 3, "ya"],
        ["Gugus Mawar", 0, "tidak"],
        ["Jumlah", 3, None],
    ]
