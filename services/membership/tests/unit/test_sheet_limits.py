"""Spreadsheets made to exhaust memory are refused before parsing, and what slips past the
checks is parsed where it can only take down a child process."""

import dataclasses
import io
import struct
import zipfile

import pytest
import xlwt
from kombel_runtime.imports.excel_sandbox import flatten
from kombel_runtime.imports.refusals import TOO_COMPLEX, FileTooComplex, UnreadableFile
from kombel_runtime.imports.sheet_limits import (
    check_workbook,
    check_zip_directory,
    column_name,
)
from membership.testing.workbooks import (
    A1_AND_XFD1048576,
    SHEET,
    SLIPPING_PAST,
    cell,
    peak_rss_mb,
    workbook,
    zip_bomb,
)

from .test_reading import LIMITS


async def test_a_sheet_reaching_xfd1048576_is_refused_naming_the_cell() -> None:
    assert len(A1_AND_XFD1048576) < 2048
    with pytest.raises(FileTooComplex, match="sampai sel XFD1048576") as refused:
        check_workbook(A1_AND_XFD1048576, LIMITS)
    assert "paling banyak 201000 baris dan 200 kolom" in str(refused.value)
    with pytest.raises(FileTooComplex, match="sampai sel XFD1048576"):
        await flatten(A1_AND_XFD1048576, LIMITS)


@pytest.mark.parametrize(
    ("far", "refused"),
    [("GR201000", False), ("GS1", True), ("A201001", True), ("gs1", True), ("AAA1", True)],
)
def test_the_limits_hold_to_the_last_row_and_column(far: str, refused: bool) -> None:
    content = workbook(f'<row r="1">{cell("A1", "a")}{cell(far, "b")}</row>')
    if refused:
        with pytest.raises(FileTooComplex, match=f"sampai sel {far.upper()}"):
            check_workbook(content, LIMITS)
    else:
        check_workbook(content, LIMITS)


async def test_cells_only_formatted_far_away_are_no_reason_to_refuse() -> None:
    """Excel writes formatted empty cells, and counts them in the sheet's dimension; calamine
    allocates nothing for either (if it ever does, the child dies and this test says so)."""
    content = workbook(
        f'<row r="1">{cell("A1", "Nama Lengkap")}<c r="GS1" s="1"/></row>'
        '<row r="1048576"><c r="XFD1048576" s="1"></c></row>',
        dimension="A1:XFD1048576",
    )
    check_workbook(content, LIMITS)
    assert await flatten(content, LIMITS) == b"Nama Lengkap\r\n"


async def test_a_sheet_spelled_to_slip_past_the_check_takes_down_only_the_child() -> None:
    check_workbook(SLIPPING_PAST, LIMITS)
    with pytest.raises(FileTooComplex) as refused:
        await flatten(SLIPPING_PAST, LIMITS)
    assert str(refused.value) == TOO_COMPLEX


def test_a_zip_bomb_is_refused_from_its_directory_without_inflating_it() -> None:
    before = peak_rss_mb()
    bomb = zip_bomb(300)
    assert len(bomb) < 1024 * 1024
    with pytest.raises(FileTooComplex, match="terlalu besar atau terlalu rumit"):
        check_zip_directory(bomb, LIMITS)
    assert peak_rss_mb() - before < 100


async def test_a_zip_bomb_that_understates_its_size_is_read_no_further_than_it_says() -> None:
    bomb = zip_bomb(50)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        part = archive.getinfo(SHEET)
    lying = bytearray(bomb)
    # Its local header and its entry in the directory (the last one) say 1 MB.
    struct.pack_into("<L", lying, part.header_offset + 22, 1024 * 1024)
    struct.pack_into("<L", lying, bomb.rindex(b"PK\x01\x02") + 24, 1024 * 1024)
    check_zip_directory(bytes(lying), LIMITS)
    with pytest.raises(UnreadableFile, match="tidak dapat dibaca"):
        await flatten(bytes(lying), LIMITS)


async def test_a_child_out_of_time_memory_or_room_fails_the_file_not_the_service() -> None:
    rows = workbook("".join(f'<row r="{n}">{cell(f"A{n}", "Guru")}</row>' for n in range(1, 3000)))
    assert (await flatten(rows, LIMITS)).count(b"Guru") == 2999
    # Within the row and column limits, but as wide as long: 40 million cells, 1.3 GB.
    corners = workbook(
        f'<row r="1">{cell("A1", "a")}</row><row r="201000">{cell("GR201000", "b")}</row>'
    )
    check_workbook(corners, LIMITS)
    for content, limits in (
        (rows, dataclasses.replace(LIMITS, seconds=0.001)),
        (corners, LIMITS),
        (rows, dataclasses.replace(LIMITS, max_csv_bytes=1000)),
    ):
        with pytest.raises(FileTooComplex) as refused:
            await flatten(content, limits)
        assert str(refused.value) == TOO_COMPLEX


async def test_an_excel_97_sheet_is_held_to_the_limits_once_read() -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("PTK")
    sheet.write(0, 0, "Nama Lengkap")
    sheet.write(30, 3, "Guru")
    saved = io.BytesIO()
    book.save(saved)
    small = dataclasses.replace(LIMITS, max_rows=30)
    with pytest.raises(FileTooComplex, match="sampai sel D31"):
        await flatten(saved.getvalue(), small)
    assert (await flatten(saved.getvalue(), LIMITS)).count(b"\r\n") == 31


async def test_control_characters_escaped_in_xlsx_never_leave_the_child() -> None:
    content = workbook(f'<row r="1">{cell("A1", "Rina_x0000_ Si_x0001_torus")}</row>')
    assert await flatten(content, LIMITS) == b"Rina Sitorus\r\n"


def test_column_names_count_as_excel_does() -> None:
    assert [column_name(n) for n in (1, 26, 27, 200, 16384)] == ["A", "Z", "AA", "GR", "XFD"]
