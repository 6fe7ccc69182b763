"""One table answer in three forms: JSON for pages, CSV and XLSX for download.

Every table of reporting (a region's summary, a training's sessions) is a list of rows and a
row of totals. `table_response` gives them as `{"items": [...], "totals": {...}}`, or as a
file with one row per item under Indonesian headers and a last row "Jumlah" with the totals
under the columns of the same keys. Text cells that a spreadsheet would run as a formula are
neutralised (`kombel_runtime.spreadsheet_cells.defused`), in CSV and XLSX alike.

Usage, from a route declared with `response_model=TableAnswer, responses=TABLE_FILES`:

    return table_response(format, COLUMNS, items, totals, filename="ringkasan-12")

where `COLUMNS = [Column("kabkota_code", "Kode"), Column("name", "Kabupaten/Kota"), ...]`, and
`items`/`totals` are JSON-ready mappings (`fastapi.encoders.jsonable_encoder` makes them so).
"""

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fastapi.responses import JSONResponse, Response
from kombel_runtime.spreadsheet_cells import csv_document, defused
from openpyxl import Workbook
from pydantic import BaseModel, Field

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOTALS_LABEL = "Jumlah"
# Characters an XLSX file cannot hold (openpyxl refuses them).
_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FILENAME_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class TableFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


class TableAnswer(BaseModel):
    """The JSON form of a table (`response_model` of a table route, for its documents)."""

    items: list[dict[str, Any]] = Field(description="Satu objek per baris")
    totals: dict[str, Any] = Field(description="Jumlah seluruh baris")


# `responses=` of a table route: its 200 comes as JSON, CSV or XLSX.
TABLE_FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Tabel sebagai JSON, atau berkas CSV/XLSX dengan `?format=`",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@dataclass(frozen=True)
class Column:
    """A column of a downloaded table: the item's key, and its header in the file."""

    key: str
    header: str


def table_response(
    format: TableFormat,
    columns: Sequence[Column],
    items: Sequence[Mapping[str, Any]],
    totals: Mapping[str, Any],
    filename: str,
) -> Response:
    """The table as JSON, or as `<filename>.csv` / `<filename>.xlsx` to download."""
    if format is TableFormat.JSON:
        return JSONResponse({"items": list(items), "totals": dict(totals)})
    rows: list[list[str | int | float]] = [[c.header for c in columns]]
    rows += [[_cell(item.get(c.key)) for c in columns] for item in items]
    if totals:
        first = columns[0].key
        rows.append([TOTALS_LABEL if c.key == first else _cell(totals.get(c.key)) for c in columns])
    name = _FILENAME_SAFE.sub("-", filename).strip("-") or "tabel"
    if format is TableFormat.CSV:
        content: bytes = csv_document(rows).encode()
        media_type = "text/csv; charset=utf-8"
    else:
        content = xlsx_document(rows)
        media_type = XLSX_TYPE
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.{format.value}"'},
    )


def _cell(value: Any) -> str | int | float:
    """A JSON-ready value as a spreadsheet cell: numbers stay numbers, the rest is text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def xlsx_document(rows: Sequence[Sequence[str | int | float]]) -> bytes:
    """The rows as one sheet of an XLSX workbook, every text cell defused."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    for row in rows:
        sheet.append(
            [
                defused(_ILLEGAL_IN_XLSX.sub("", cell)) if isinstance(cell, str) else cell
                for cell in row
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
