"""Rows out of an uploaded CSV, whatever the office's spreadsheet did.

UTF-8 with or without BOM, or Windows-1252; `,` `;` or tab; read as a stream. An Excel upload
(XLSX, and XLS of Excel 97-2003) arrives here as the CSV `excel_sandbox.flatten` made of its
first sheet. A row may hold at most the column limit and a line a million characters, so a
header of a million columns fails at once instead of being matched against every alias;
control characters are dropped (see `cell_text`).
"""

import codecs
import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kombel_runtime.imports.cell_text import without_control_characters
from kombel_runtime.imports.excel_sandbox import is_excel
from kombel_runtime.imports.kinds import Column, KindSpec, header_key
from kombel_runtime.imports.refusals import EXCEL_UNREADABLE, shortened
from kombel_runtime.imports.refusals import UnreadableFile as UnreadableFile
from kombel_runtime.imports.sheet_limits import MAX_COLUMNS

NOT_A_TABLE = (
    "Berkas ini bukan CSV atau Excel (XLSX, XLS). Di Excel pilih File > Save As, lalu simpan "
    "sebagai Excel Workbook (.xlsx) atau CSV, dan unggah lagi."
)
# Field by field, csv bounds a cell to 128 KB; a line bounds how many cells a row can hold
# before the row is counted.
MAX_LINE_CHARS = 1_000_000
# Header names quoted in a refusal: enough to recognise the file.
NAMED_HEADERS = 20
HEADER_CHARS = 30
# Files exported from other systems often have a title and blank lines above the header.
HEADER_WITHIN_ROWS = 20


@dataclass(frozen=True)
class Table:
    headers: list[str]
    # Each non-blank row after the header with its number as the spreadsheet shows it (the
    # first row is 1), so "Baris 7" in errors.csv is row 7 of the file whatever came before.
    rows: Iterator[tuple[int, list[str]]]


def format_problem(content: bytes) -> str | None:
    """Why the upload cannot be a CSV or Excel file, judged from its first bytes; None if it
    may be one."""
    if is_excel(content):
        return None
    if b"\x00" in content[:8192]:  # text files do not hold NUL bytes; PDF, images, ZIP do
        return NOT_A_TABLE
    return None


def open_table(
    content: bytes, spec: KindSpec | None = None, *, max_columns: int = MAX_COLUMNS
) -> Table:
    """The table in the CSV. With a `spec`, the header is the first row (among the first 20)
    that has the kind's required columns; without, the first row that is not blank."""
    if is_excel(content):  # not flattened: only a child process may parse Excel
        raise UnreadableFile(EXCEL_UNREADABLE)
    problem = format_problem(content)
    if problem:
        raise UnreadableFile(problem)
    records = _csv_records(content, max_columns)
    first: list[str] | None = None
    for number, cells in records:
        if not _filled(cells):
            continue
        headers = [c.strip() for c in cells]
        if first is None:
            first = headers
        if spec is None or _has_required_columns(spec, headers):
            return Table(headers, ((n, c) for n, c in records if _filled(c)))
        if number >= HEADER_WITHIN_ROWS:
            break
    if first is None:
        raise UnreadableFile("Berkas kosong: baris pertama harus berisi judul kolom.")
    return Table(first, iter(()))  # map_columns names what the first row lacks


def _filled(cells: list[str]) -> bool:
    return any(c.strip() for c in cells)


def _has_required_columns(spec: KindSpec, headers: list[str]) -> bool:
    try:
        map_columns(spec, headers)
    except UnreadableFile:
        return False
    return True


class _LineTooLong(Exception):
    def __init__(self, delimiters: int) -> None:
        self.delimiters = delimiters


def _csv_records(content: bytes, max_columns: int) -> Iterator[tuple[int, list[str]]]:
    text = io.TextIOWrapper(io.BytesIO(content), encoding=_encoding(content), newline="")
    head = list(itertools.islice(text, HEADER_WITHIN_ROWS))
    delimiter = _delimiter(head)
    reader = csv.reader(_bounded_lines(itertools.chain(head, text), delimiter), delimiter=delimiter)
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            if len(row) > max_columns:
                if any(row[max_columns:]):
                    raise _too_many_columns(number, len(row), max_columns)
                del row[max_columns:]  # empty cells a spreadsheet kept for a formatted column
            yield number, row
    except _LineTooLong as long:
        if long.delimiters >= max_columns:
            raise _too_many_columns(number + 1, long.delimiters + 1, max_columns) from None
        raise UnreadableFile(
            f"Baris {number + 1} lebih dari {MAX_LINE_CHARS} karakter. "
            "Periksa isi baris itu, simpan ulang berkasnya, lalu unggah lagi."
        ) from None
    except csv.Error as error:  # a field longer than 128 KB, …
        raise UnreadableFile(
            f"Baris {number + 1} tidak dapat dibaca sebagai CSV. "
            "Simpan ulang berkasnya sebagai CSV dari Excel atau unggah XLSX."
        ) from error


def _bounded_lines(lines: Iterable[str], delimiter: str) -> Iterator[str]:
    for line in lines:
        if len(line) > MAX_LINE_CHARS:
            raise _LineTooLong(line.count(delimiter))
        yield without_control_characters(line)


def _too_many_columns(number: int, columns: int, max_columns: int) -> UnreadableFile:
    return UnreadableFile(
        f"Baris {number} berisi {columns} kolom; paling banyak {max_columns} kolom. "
        "Hapus kolom di kanan data yang tidak diimpor, simpan, lalu unggah lagi."
    )


def _delimiter(lines: list[str]) -> str:
    """The one the first line with any delimiter uses most (a title line may have none)."""
    candidates = [",", ";", "\t"]
    for line in lines:
        if any(d in line for d in candidates):
            return max(candidates, key=line.count)
    return ","


def _encoding(content: bytes) -> str:
    candidates = ("utf-8-sig",) if content.startswith(codecs.BOM_UTF8) else ("utf-8", "cp1252")
    for encoding in candidates:
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UnreadableFile(NOT_A_TABLE)


@dataclass(frozen=True)
class ColumnMap:
    positions: dict[str, int]  # field -> index in the row
    ignored: list[str]


def map_columns(spec: KindSpec, headers: list[str]) -> ColumnMap:
    """Which column holds which field; unknown headers are ignored, missing required ones fail."""
    keys = [header_key(h) for h in headers]
    positions: dict[str, int] = {}
    taken: set[int] = set()
    # Longer aliases first, so "NPSN Sekolah" is the school's NPSN even beside an "NPSN" column.
    candidates: list[tuple[int, Column, str]] = sorted(
        ((len(alias), column, alias) for column in spec.columns for alias in column.aliases),
        key=lambda c: -c[0],
    )
    for _, column, alias in candidates:
        if column.field in positions:
            continue
        for index, key in enumerate(keys):
            if index not in taken and key == alias:
                positions[column.field] = index
                taken.add(index)
                break
    missing = [c.header for c in spec.columns if c.required and c.field not in positions]
    headers_of = {c.field: c.header for c in spec.columns}
    missing += [
        " atau ".join(headers_of[f] for f in group)
        for group in spec.required_any
        if not any(f in positions for f in group)
    ]
    if missing:
        raise UnreadableFile(
            "Kolom wajib tidak ditemukan: "
            + ", ".join(missing)
            + ". Kolom yang ada: "
            + _named(h for h in headers if h)
            + ". Unduh templat untuk contoh judul kolom."
        )
    return ColumnMap(positions, [h for i, h in enumerate(headers) if i not in taken and h])


def _named(headers: Iterable[str]) -> str:
    named = [shortened(h, HEADER_CHARS) for h in itertools.islice(headers, NAMED_HEADERS + 1)]
    if len(named) > NAMED_HEADERS:
        named[-1] = "…"
    return ", ".join(named)
