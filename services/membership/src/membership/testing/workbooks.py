"""Spreadsheets made by hand to hurt the reader: a sheet that asks for a vast rectangle, one
that hides it where the checks do not look, and zip bombs; shared by the tests of the reader
and of the API."""

import io
import resource
import zipfile

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_RELATIONSHIPS}"><Relationship Id="rId1" '
        f'Type="{_DOCUMENT}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOCUMENT}"><sheets>'
        '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_RELATIONSHIPS}"><Relationship Id="rId1" '
        f'Type="{_DOCUMENT}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
SHEET = "xl/worksheets/sheet1.xml"


def workbook(rows: str, dimension: str = "") -> bytes:
    """An XLSX written by hand: its one sheet holds `rows`, the XML of `<sheetData>`, and says
    it spans `dimension`."""
    spans = f'<dimension ref="{dimension}"/>' if dimension else ""
    saved = io.BytesIO()
    with zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        archive.writestr(
            SHEET,
            f'<worksheet xmlns="{_MAIN}">{spans}<sheetData>{rows}</sheetData></worksheet>',
        )
    return saved.getvalue()


def cell(reference: str, text: str, quote: str = '"') -> str:
    return f"<c r={quote}{reference}{quote} t={quote}inlineStr{quote}><is><t>{text}</t></is></c>"


# Two cells, A1 and XFD1048576: calamine would allocate the rectangle between, 512 GB.
A1_AND_XFD1048576 = workbook(
    f'<row r="1">{cell("A1", "Nama Lengkap")}</row><row r="1048576">{cell("XFD1048576", "x")}</row>'
)
# The same, in quotes the check does not read: calamine still does.
APOSTROPHE = "'"
SLIPPING_PAST = workbook(
    f"<row r='1'>{cell('A1', 'Nama Lengkap', APOSTROPHE)}</row>"
    f"<row r='1048576'>{cell('XFD1048576', 'x', APOSTROPHE)}</row>"
)


def zip_bomb(inflated_mb: int) -> bytes:
    """A workbook whose sheet inflates to `inflated_mb` MB, a row and blanks to every MB,
    written in pieces so that the test holds none of it."""
    row = f"<row>{cell('A2', 'Rina Sitorus')}</row>".encode()
    piece = row + b" " * (1024 * 1024 - len(row))
    saved = io.BytesIO()
    with zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open(SHEET, "w") as sheet:
            sheet.write(f'<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
            for _ in range(inflated_mb):
                sheet.write(piece)
            sheet.write(b"</sheetData></worksheet>")
    return saved.getvalue()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
