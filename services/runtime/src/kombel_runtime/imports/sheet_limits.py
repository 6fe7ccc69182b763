"""The limits a spreadsheet upload is held to, and an XLSX checked against them before any
parser allocates for it.

An XLSX is a zip of XML parts. Its central directory declares every part's size before
anything is inflated, so a zip bomb shows there: too many parts, parts or a total too large,
or a part that inflates more than a hundred times (Apache POI refuses the same ratio). A
worksheet's cell references say how far the sheet reaches, and calamine allocates the whole
rectangle up to its farthest cell that holds a value: two cells, A1 and XFD1048576, in a
1.6 KB file ask for 512 GB. The API checks the directory at upload without inflating
anything; the sandboxed reader (`excel_sandbox`) checks it again and then reads the sheets in
chunks, never more than the directory declared.

Only references written the way spreadsheet programs write them (` r="B7"`) are looked at, so
a file spelled to slip past (other quotes, cells without references) still meets the reader's
memory cap, and a sheet that fits in memory meets the row and column limits of the CSV it
becomes. The `<dimension>` of a sheet is not judged: calamine does not allocate by it, and
Excel counts formatted empty cells in it, which calamine skips too.
"""

import functools
import io
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from kombel_runtime.imports.refusals import (
    EXCEL_UNREADABLE,
    TOO_COMPLEX,
    FileTooComplex,
    UnreadableFile,
)

# An import has a dozen columns at most; offices keep others beside them.
MAX_COLUMNS = 200
# Rows above the header (a title, blank lines) and blank rows between records.
ROW_SLACK = 1000

# A workbook has a dozen parts, a few hundred with many sheets or pictures.
MAX_PARTS = 2000
# zipfile makes an object of every entry it lists: a megabyte is some 20,000 of them.
MAX_DIRECTORY_BYTES = 1024 * 1024
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024  # small parts (styles, themes) may inflate more, harmlessly
_CHUNK = 1024 * 1024
_CONTEXT = 4096  # bytes around a far reference, to tell its tag and whether the cell is empty

_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_END_SIGNATURE = b"PK\x06\x06"
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)


@dataclass(frozen=True)
class SheetLimits:
    max_rows: int  # of the sheet, rows above the header and blank rows included
    max_columns: int
    max_unzipped_bytes: int  # all parts of an XLSX inflated
    max_csv_bytes: int  # of the CSV an Excel file becomes, which the service holds
    memory_bytes: int  # address space of the process that parses the file
    seconds: float  # CPU and wall-clock time of that process


def check_zip_directory(content: bytes, limits: SheetLimits) -> None:
    """Refuse an XLSX whose zip directory declares more than an import may inflate, reading
    nothing but the directory. A zip too damaged to tell is refused as unreadable."""
    if _directory_bytes(content) > MAX_DIRECTORY_BYTES:
        raise FileTooComplex(TOO_COMPLEX)
    parts = _parts(content)
    total = sum(part.file_size for part in parts)
    if len(parts) > MAX_PARTS or total > limits.max_unzipped_bytes:
        raise FileTooComplex(TOO_COMPLEX)
    for part in parts:
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * part.compress_size:
            raise FileTooComplex(TOO_COMPLEX)


def check_workbook(content: bytes, limits: SheetLimits) -> None:
    """`check_zip_directory`, then every worksheet read for a cell holding a value beyond
    the row or column limit."""
    check_zip_directory(content, limits)
    beyond = _beyond(limits.max_rows, limits.max_columns)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for part in archive.infolist():
                if _WORKSHEET.fullmatch(part.filename):
                    with archive.open(part) as sheet:
                        for reference in _far_cells(sheet, beyond):
                            raise _reaches_too_far(reference, limits)
    except UnreadableFile:
        raise
    except Exception as error:  # zipfile fails in many ways on a damaged file
        raise UnreadableFile(EXCEL_UNREADABLE) from error


def check_extent(rows: int, columns: int, limits: SheetLimits) -> None:
    """Refuse a sheet as calamine read it (of XLS too, whose parts are not checked before)."""
    if rows > limits.max_rows or columns > limits.max_columns:
        raise _reaches_too_far(f"{column_name(columns)}{rows}".encode(), limits)


def column_name(number: int) -> str:
    """Excel's name of the column: 1 is A, 27 is AA."""
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _column_number(name: bytes) -> int:
    number = 0
    for letter in name.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


def _directory_bytes(content: bytes) -> int:
    """The central directory's size where zipfile looks for it (zip64 included), before
    zipfile builds an object per entry of it."""
    end = len(content) - _END.size
    if not (end >= 0 and content.startswith(_END_SIGNATURE, end) and content.endswith(b"\0\0")):
        end = content.rfind(_END_SIGNATURE, max(0, len(content) - _END.size - (1 << 16)))
        if end < 0 or end + _END.size > len(content):
            raise UnreadableFile(EXCEL_UNREADABLE)
    size: int = _END.unpack_from(content, end)[5]
    zip64 = end - 20 - _ZIP64_END.size
    if (
        zip64 >= 0
        and content.startswith(_ZIP64_LOCATOR_SIGNATURE, end - 20)
        and content.startswith(_ZIP64_END_SIGNATURE, zip64)
    ):
        size = max(size, _ZIP64_END.unpack_from(content, zip64)[8])
    return size


def _parts(content: bytes) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return archive.infolist()
    except Exception as error:  # BadZipFile, and others for stranger damage
        raise UnreadableFile(EXCEL_UNREADABLE) from error


def _far_cells(sheet: IO[bytes], beyond: re.Pattern[bytes]) -> Iterator[bytes]:
    """The references beyond the limits of cells that hold something, read in chunks: each
    reference is judged with `_CONTEXT` bytes on both sides of it."""
    data = b""
    judged = 0  # where in `data` the references not yet judged start
    while True:
        chunk = sheet.read(_CHUNK)
        data += chunk
        until = len(data) - _CONTEXT if chunk else len(data)
        for found in beyond.finditer(data, judged):
            if found.start() >= until:
                break
            if _holds_something(data, found):
                yield found.group(1)
        if not chunk:
            return
        keep = max(0, until - _CONTEXT)
        data, judged = data[keep:], max(until, judged) - keep


def _holds_something(data: bytes, found: re.Match[bytes]) -> bool:
    """Whether the reference is a cell's with a value; an empty cell (only formatted) and a
    row are not allocated by calamine. Unsure (a tag longer than the context): it holds."""
    start = data.rfind(b"<", 0, found.start())
    if start < 0:
        return True
    words = data[start + 1 : found.start()].split(maxsplit=1)
    tag = words[0].rpartition(b":")[2] if words else b""
    if tag != b"c":
        return tag != b"row"
    end = data.find(b">", found.end())
    if end < 0:
        return True
    return not (data[end - 1 : end] == b"/" or data.startswith(b"</", end + 1))


def _reaches_too_far(reference: bytes, limits: SheetLimits) -> FileTooComplex:
    letters = reference.rstrip(b"0123456789")
    digits = reference[len(letters) :]
    return FileTooComplex(
        f"Lembar kerja di berkas Excel ini terisi sampai sel {reference.decode().upper()} "
        f"(baris {int(digits)}, kolom ke-{_column_number(letters)}); paling banyak "
        f"{limits.max_rows} baris dan {limits.max_columns} kolom. Hapus baris dan kolom di "
        "bawah dan di kanan data (pilih, klik kanan > Delete), atau salin data yang akan "
        "diimpor ke berkas baru, lalu unggah lagi."
    )


@functools.cache
def _beyond(max_rows: int, max_columns: int) -> re.Pattern[bytes]:
    """A reference (` r="…"`) beyond either limit, found without Python looking at every
    cell: a sheet of 100,000 rows holds some 700,000 references."""
    last_column, last_row = column_name(max_columns), str(max_rows)
    columns = [f"[A-Za-z]{{{len(last_column) + 1},}}", *_after(last_column)]
    rows = [f"[1-9][0-9]{{{len(last_row)},}}", *_after(last_row)]
    value = f"(?:{'|'.join(columns)})[0-9]+|[A-Za-z]*0*(?:{'|'.join(rows)})"
    return re.compile(f' r="({value})"'.encode())


def _after(last: str) -> list[str]:
    """Patterns of the names (A–Z, either case) or numbers as long as `last` that come after
    it."""
    digits = last.isdigit()
    top, any_one = ("9", "[0-9]") if digits else ("Z", "[A-Za-z]")
    patterns = []
    for place, char in enumerate(last):
        if char == top:
            continue
        above = chr(ord(char) + 1)
        higher = f"[{above}-9]" if digits else f"[{above}-Z{above.lower()}-z]"
        same = [c if digits else f"[{c}{c.lower()}]" for c in last[:place]]
        rest = len(last) - place - 1
        patterns.append("".join(same) + higher + (f"{any_one}{{{rest}}}" if rest else ""))
    return patterns
