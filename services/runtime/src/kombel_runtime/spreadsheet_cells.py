"""Cells the platform writes for spreadsheets: what people typed, never a formula to run.

Excel, LibreOffice and Google Sheets read a cell that begins with `=`, `+`, `-` or `@` as a
formula, and some skip a leading tab or carriage return first. A name uploaded as
`=HYPERLINK("http://…","Klik")` would otherwise come back in a download and run on the
computer of the staff member who opens it (CSV injection, OWASP). Such a cell gets a leading
`'`, which spreadsheets show and keep as text; every other cell stays as it is.

`defused` judges one cell, apart from any file format, so the XLSX exports to come apply the
same rule; `csv_document` is the CSV every download of the platform is written with.
"""

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defused(cell: str) -> str:
    """The cell as text a spreadsheet shows and does not evaluate."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_document(rows: Iterable[Iterable[object]]) -> str:
    """The rows as CSV, every text cell defused. It starts with a byte order mark: without it
    Excel reads UTF-8 as the Windows code page and garbles names such as "Ñ"."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerows(
        [defused(cell) if isinstance(cell, str) else cell for cell in row] for row in rows
    )
    return buffer.getvalue()
