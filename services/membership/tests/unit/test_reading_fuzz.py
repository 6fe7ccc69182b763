"""Arbitrary and damaged uploads: the readers give rows or refuse with `UnreadableFile`, and
no other exception leaves them (the job would fail with "hubungi admin" instead of a reason).

Runs in-process take 200 examples; the sandboxed reader starts a process per example, so it
takes fewer. No example database is kept: the runs are the same from a clean checkout.
"""

import contextlib
import io

import pytest
import xlwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kombel_runtime.imports.excel_sandbox import XLSX_MAGIC, flatten
from kombel_runtime.imports.reading import map_columns, open_table
from kombel_runtime.imports.refusals import UnreadableFile
from kombel_runtime.imports.sheet_limits import check_workbook, check_zip_directory
from membership.imports.kinds import SPECS, ImportKind
from membership.testing.workbooks import cell, workbook
from openpyxl import Workbook

from .test_reading import LIMITS

IN_PROCESS = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SANDBOXED = settings(IN_PROCESS, max_examples=40)

CSV = (
    "Daftar PTK;;\r\n"
    "Nama Lengkap;NUPTK;Email;No. HP/WA;NPSN Sekolah\r\n"
    'Rina "Butet" Sitorus;1234567890120001;rina@example.sch.id;0812-3456-7001;10210001\r\n'
    '"Budi; Harahap";1234567890120002;;+62 813 4567 8002;10210001\r\n'
).encode("cp1252")
SHEET_ROWS = "".join(
    f'<row r="{n}">{cell(f"A{n}", name)}{cell(f"B{n}", nuptk)}{cell(f"C{n}", "10210001")}</row>'
    for n, (name, nuptk) in enumerate(
        [("Nama Lengkap", "NUPTK"), ("Rina Sitorus", "1234567890120001"), ("Budi", "12")],
        start=1,
    )
)
# Pieces a damaged or hostile sheet is made of.
XML_PIECES = [
    "<row>",
    "</row>",
    '<row r="1048576">',
    '<c r="XFD1048576">',
    '<c r="A99999999999">',
    "<c>",
    "</c>",
    "<v>1e308</v>",
    '<c t="s"><v>99</v></c>',
    "_x0000_",
    "&#0;",
    "<!DOCTYPE x [<!ENTITY a 'aaaa'>]>",
    "&a;",
    "\x00",
    "<",
    '"',
]


def openpyxl_book() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nama Lengkap", "NUPTK", "NPSN Sekolah"])
    sheet.append(["Rina Sitorus", 1234567890120001, 10210001])
    saved = io.BytesIO()
    book.save(saved)
    return saved.getvalue()


def excel_97_book() -> bytes:
    book = xlwt.Workbook()
    sheet = book.add_sheet("PTK")
    for column, text in enumerate(["Nama Lengkap", "NUPTK", "NPSN Sekolah"]):
        sheet.write(0, column, text)
        sheet.write(1, column, f"nilai {column}")
    saved = io.BytesIO()
    book.save(saved)
    return saved.getvalue()


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """The file with a few bytes replaced, inserted or cut out, or cut short."""
    content = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        place = draw(st.integers(0, len(content)))
        action = draw(st.sampled_from(["replace", "insert", "cut", "truncate"]))
        if action == "replace" and place < len(content):
            content[place] = draw(st.integers(0, 255))
        elif action == "insert":
            content[place:place] = draw(st.binary(min_size=1, max_size=16))
        elif action == "cut":
            del content[place : place + draw(st.integers(1, 64))]
        elif action == "truncate":
            del content[place:]
    return bytes(content)


@st.composite
def damaged_sheets(draw: st.DrawFn) -> bytes:
    """A valid zip whose sheet XML has hostile pieces put into it."""
    text = SHEET_ROWS
    for piece in draw(st.lists(st.sampled_from(XML_PIECES), min_size=1, max_size=6)):
        place = draw(st.integers(0, len(text)))
        text = text[:place] + piece + text[place:]
    return workbook(text)


def read_through(content: bytes) -> None:
    """What a job does with a CSV: find the header, map the columns, count and read rows."""
    try:
        table = open_table(content, SPECS[ImportKind.PEOPLE])
        map_columns(SPECS[ImportKind.PEOPLE], table.headers)
        for _, cells in table.rows:
            assert all("\x00" not in c for c in cells)
    except UnreadableFile:
        pass


def checked(content: bytes) -> None:
    for check in (check_zip_directory, check_workbook):
        with contextlib.suppress(UnreadableFile):
            check(content, LIMITS)


@IN_PROCESS
@given(st.binary(max_size=4096))
def test_any_bytes_read_as_csv_give_rows_or_a_reason(content: bytes) -> None:
    read_through(content)


@IN_PROCESS
@given(mutated(CSV))
def test_a_damaged_csv_gives_rows_or_a_reason(content: bytes) -> None:
    read_through(content)


@IN_PROCESS
@given(st.binary(max_size=4096).map(lambda tail: XLSX_MAGIC + tail))
def test_any_bytes_that_start_as_a_zip_pass_the_checks_or_are_refused(content: bytes) -> None:
    checked(content)


@IN_PROCESS
@given(st.one_of(mutated(openpyxl_book()), damaged_sheets()))
def test_a_damaged_xlsx_passes_the_checks_or_is_refused(content: bytes) -> None:
    checked(content)


@pytest.mark.parametrize("original", [openpyxl_book(), excel_97_book()], ids=["xlsx", "xls"])
@SANDBOXED
@given(data=st.data())
async def test_the_sandboxed_reader_gives_csv_or_a_reason_for_a_damaged_excel_file(
    original: bytes, data: st.DataObject
) -> None:
    await flattened(data.draw(mutated(original)))


@SANDBOXED
@given(damaged_sheets())
async def test_the_sandboxed_reader_gives_csv_or_a_reason_for_a_hostile_sheet(
    content: bytes,
) -> None:
    await flattened(content)


async def flattened(content: bytes) -> None:
    with contextlib.suppress(UnreadableFile):
        read_through(await flatten(content, LIMITS))
