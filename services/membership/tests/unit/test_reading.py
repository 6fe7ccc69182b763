"""Reading uploads: what a spreadsheet can be, and the clear refusals of what it cannot."""

import io
import zipfile
from datetime import date, datetime

import pytest
import xlwt
from kombel_runtime.imports.excel_sandbox import flatten
from kombel_runtime.imports.reading import format_problem, map_columns, open_table
from kombel_runtime.imports.refusals import UnreadableFile
from membership.imports.kinds import SPECS, ImportKind
from membership.settings import MembershipSettings
from openpyxl import Workbook

LIMITS = MembershipSettings.model_construct().sheet_limits()  # the defaults


def rows_of(content: bytes) -> tuple[list[str], list[list[str]]]:
    table = open_table(content)
    return table.headers, [cells for _, cells in table.rows]


def test_windows_1252_and_semicolons_read_as_office_computers_write_them() -> None:
    headers, rows = rows_of("Nama Lengkap;Kota\r\nJosé Simanjuntak;Medan\r\n".encode("cp1252"))
    assert headers == ["Nama Lengkap", "Kota"]
    assert rows == [["José Simanjuntak", "Medan"]]


async def test_an_excel_97_file_reads_with_its_numbers_and_dates() -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("PTK")
    for column, header in enumerate(["Nama Lengkap", "NUPTK", "No. HP/WA", "Tanggal Mulai"]):
        sheet.write(0, column, header)
    sheet.write(1, 0, "Rina Sitorus")
    sheet.write(1, 1, "1234567890120001")
    sheet.write(1, 2, 81234567001)  # a phone typed as a number loses its 0
    sheet.write(1, 3, date(2026, 5, 25), xlwt.easyxf(num_format_str="DD/MM/YYYY"))
    saved = io.BytesIO()
    book.save(saved)
    assert format_problem(saved.getvalue()) is None
    headers, rows = rows_of(await flatten(saved.getvalue(), LIMITS))
    assert headers == ["Nama Lengkap", "NUPTK", "No. HP/WA", "Tanggal Mulai"]
    assert rows == [["Rina Sitorus", "1234567890120001", "81234567001", "2026-05-25"]]


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n\x00\x01\x02 binary",  # a PDF, an image: NUL bytes early on
        b"Nama Lengkap,Kota\n\x81\x8d\x8f\x90\x9d\n",  # neither UTF-8 nor Windows-1252
        b"\xef\xbb\xbfNama Lengkap,Kota\n\xff\xfe\n",  # a UTF-8 BOM, then bytes that are not
    ],
)
def test_a_file_that_is_not_a_table_is_refused_in_indonesian(content: bytes) -> None:
    with pytest.raises(UnreadableFile, match="bukan CSV atau Excel"):
        rows_of(content)


def test_a_csv_that_breaks_halfway_names_the_line() -> None:
    content = b"Nama Lengkap,Kota\nRina,Medan\nBudi,Sidikalang\n" + b"x" * 200_000 + b",y\n"
    table = open_table(content)
    assert next(table.rows) == (2, ["Rina", "Medan"])
    with pytest.raises(UnreadableFile, match="Baris 4 tidak dapat dibaca"):
        list(table.rows)


async def test_a_damaged_xlsx_sheet_is_refused_before_any_row_is_read() -> None:
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
    with pytest.raises(UnreadableFile, match="Berkas Excel tidak dapat dibaca"):
        await flatten(damaged.getvalue(), LIMITS)


async def test_xlsx_dates_and_numbers_come_back_as_people_typed_them() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["NPSN", "Tanggal", "Nama"])
    sheet.append([10203040, datetime(2026, 5, 25), "SD Negeri 1"])
    saved = io.BytesIO()
    book.save(saved)
    assert rows_of(await flatten(saved.getvalue(), LIMITS))[1] == [
        ["10203040", "2026-05-25", "SD Negeri 1"]
    ]


async def test_an_excel_file_flattens_to_csv_with_the_same_cells() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nama Lengkap", "Alamat", "NPSN"])
    sheet.append(['Rina "Butet" Sitorus, S.Pd.', "Jl. Pahlawan No. 12;\nSidikalang", 10203040])
    sheet.append([None, None, None])  # a blank row, skipped
    sheet.append(["Budi", "", 10203041])
    saved = io.BytesIO()
    book.save(saved)
    flat = await flatten(saved.getvalue(), LIMITS)
    assert not flat.startswith(b"PK")
    assert rows_of(flat)[1][0] == [
        'Rina "Butet" Sitorus, S.Pd.',
        "Jl. Pahlawan No. 12;\nSidikalang",
        "10203040",
    ]
    csv_upload = b"Nama Lengkap;NPSN\nRina;10203040\n"
    assert await flatten(csv_upload, LIMITS) is csv_upload


async def test_a_title_above_the_header_is_passed_over_and_rows_keep_their_numbers() -> None:
    spec = SPECS[ImportKind.PEOPLE]
    csv_file = (
        b"Daftar PTK Kabupaten Dairi;;\r\n"
        b";;\r\n"
        b"Nama Lengkap;NUPTK;NPSN Sekolah\r\n"
        b"Rina Sitorus;1234567890120001;10210001\r\n"
        b";;\r\n"
        b"Budi Harahap;1234567890120002;10210001\r\n"
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "Daftar PTK Kabupaten Dairi"
    sheet.append([])
    for row in (
        ["Nama Lengkap", "NUPTK", "NPSN Sekolah"],
        ["Rina Sitorus", "1234567890120001", "10210001"],
        [],
        ["Budi Harahap", "1234567890120002", "10210001"],
    ):
        sheet.append(row)
    saved = io.BytesIO()
    book.save(saved)
    for content in (csv_file, await flatten(saved.getvalue(), LIMITS)):
        table = open_table(content, spec)
        assert table.headers == ["Nama Lengkap", "NUPTK", "NPSN Sekolah"]
        assert [number for number, _ in table.rows] == [4, 6]


def test_without_its_columns_in_the_first_rows_the_first_row_is_named() -> None:
    content = b"Nama;Alamat\nRina;Medan\n"
    table = open_table(content, SPECS[ImportKind.PEOPLE])
    assert table.headers == ["Nama", "Alamat"]
    with pytest.raises(UnreadableFile, match="Kolom wajib tidak ditemukan: NPSN Sekolah"):
        map_columns(SPECS[ImportKind.PEOPLE], table.headers)


async def test_a_sheet_whose_cells_start_lower_keeps_the_sheets_row_numbers() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for column, header in zip("CDE", ["Nama Lengkap", "NUPTK", "NPSN Sekolah"], strict=True):
        sheet[f"{column}4"] = header
    for column, value in zip("CDE", ["Rina Sitorus", "1234567890120001", "10210001"], strict=True):
        sheet[f"{column}5"] = value
    saved = io.BytesIO()
    book.save(saved)
    table = open_table(await flatten(saved.getvalue(), LIMITS), SPECS[ImportKind.PEOPLE])
    assert table.headers == ["Nama Lengkap", "NUPTK", "NPSN Sekolah"]
    assert list(table.rows) == [(5, ["Rina Sitorus", "1234567890120001", "10210001"])]


def test_commas_in_a_semicolon_file_do_not_change_its_delimiter() -> None:
    content = (
        "Nama Lengkap;NPSN Sekolah\r\nRina Sitorus, S.Pd., M.Pd., Gr., C.Ed.;10210001\r\n"
    ).encode("cp1252")
    assert rows_of(content) == (
        ["Nama Lengkap", "NPSN Sekolah"],
        [["Rina Sitorus, S.Pd., M.Pd., Gr., C.Ed.", "10210001"]],
    )


def test_a_header_of_a_million_columns_is_refused_before_any_matching() -> None:
    content = b"x," * 1_000_000 + b"\nRina,10203040\n"
    with pytest.raises(UnreadableFile, match="Baris 1 berisi 1000001 kolom; paling banyak 200"):
        open_table(content, SPECS[ImportKind.PEOPLE])


def test_a_row_wider_than_the_limit_is_refused_unless_what_is_past_it_is_empty() -> None:
    header = ",".join(["Nama Lengkap", "NPSN Sekolah", *[""] * 300])
    padded = f"{header}\nRina,10203040{',' * 300}\n".encode()
    table = open_table(padded, SPECS[ImportKind.PEOPLE])
    assert (len(table.headers), list(table.rows)) == (200, [(2, ["Rina", "10203040", *[""] * 198])])
    wide = f"{header}\nRina,10203040{',' * 250}x\n".encode()
    with pytest.raises(UnreadableFile, match="Baris 2 berisi 252 kolom"):
        list(open_table(wide, SPECS[ImportKind.PEOPLE]).rows)


def test_a_line_of_a_million_characters_is_refused() -> None:
    content = b"Nama Lengkap,Kota\nRina," + b'"' + b"a" * 1_100_000 + b'"\n'
    table = open_table(content)
    with pytest.raises(UnreadableFile, match="Baris 2 lebih dari 1000000 karakter"):
        list(table.rows)


def test_the_columns_a_file_has_are_named_briefly_when_the_required_ones_are_missing() -> None:
    headers = [f"Kolom tambahan nomor {n} dengan judul yang sangat panjang" for n in range(150)]
    with pytest.raises(UnreadableFile) as refused:
        map_columns(SPECS[ImportKind.PEOPLE], headers)
    message = str(refused.value)
    assert len(message) < 1000
    assert "Kolom tambahan nomor 0 dengan…" in message
    assert "Kolom tambahan nomor 21" not in message


def test_control_characters_in_a_csv_are_dropped_from_the_cells() -> None:
    rows = b"".join(b"Guru %d,10203040\n" % n for n in range(1000))  # past the first 8 KB
    content = b"Nama Lengkap,NPSN Sekolah\n" + rows + b"Rina\x00 Si\x01torus,1020\x1b3040\n"
    assert rows_of(content)[1][-1] == ["Rina Sitorus", "10203040"]
