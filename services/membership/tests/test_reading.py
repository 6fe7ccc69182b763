"""Reading uploads: what a spreadsheet can be, and the clear refusals of what it cannot."""

import io
import zipfile

import pytest
from membership.imports.reading import UnreadableFile, format_problem, open_table
from openpyxl import Workbook


def rows_of(content: bytes) -> tuple[list[str], list[list[str]]]:
    table = open_table(content)
    return table.headers, list(table.rows)


def test_windows_1252_and_semicolons_read_as_office_computers_write_them() -> None:
    headers, rows = rows_of("Nama Lengkap;Kota\r\nJosé Simanjuntak;Medan\r\n".encode("cp1252"))
    assert headers == ["Nama Lengkap", "Kota"]
    assert rows == [["José Simanjuntak", "Medan"]]


def test_an_old_excel_file_is_named_with_what_to_do() -> None:
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    problem = format_problem(content)
    assert problem is not None
    assert ".xls" in problem
    assert ".xlsx" in problem
    with pytest.raises(UnreadableFile, match="xls"):
        open_table(content)


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n\x00\x01\x02 binary",  # a PDF, an image: NUL bytes early on
        b"Nama Lengkap,Kota\n\x81\x8d\x8f\x90\x9d\n",  # neither UTF-8 nor Windows-1252
        b"\xef\xbb\xbfNama Lengkap,Kota\n\xff\xfe\n",  # a UTF-8 BOM, then bytes that are not
    ],
)
def test_a_file_that_is_not_a_table_is_refused_in_indonesian(content: bytes) -> None:
    with pytest.raises(UnreadableFile, match="bukan CSV atau XLSX"):
        rows_of(content)


def test_a_csv_that_breaks_halfway_names_the_line() -> None:
    content = b"Nama Lengkap,Kota\nRina,Medan\nBudi,Sidikalang\n" + b"x" * 200_000 + b",y\n"
    table = open_table(content)
    assert next(table.rows) == ["Rina", "Medan"]
    with pytest.raises(UnreadableFile, match="Baris 4 tidak dapat dibaca"):
        list(table.rows)


def test_a_damaged_xlsx_sheet_names_the_last_row_read() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nama Lengkap", "NPSN Sekolah"])
    for number in range(50):
        sheet.append([f"Guru {number}", "10203040"])
    saved = io.BytesIO()
    book.save(saved)
    damaged = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(saved.getvalue())) as source,
        zipfile.ZipFile(damaged, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(b'<row r="30"')] + b'<row r="30"><c r="A30" t="s'
            target.writestr(item, data)
    table = open_table(damaged.getvalue())
    assert table.headers == ["Nama Lengkap", "NPSN Sekolah"]
    with pytest.raises(UnreadableFile, match="Berkas XLSX rusak setelah baris 29"):
        list(table.rows)
