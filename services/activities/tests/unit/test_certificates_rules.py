"""Certificates' codes, masked names, Indonesian dates and the PDF read back, without I/O."""

import io
from datetime import UTC, datetime

import pytest
from activities.domain.certificates import (
    CODE_ALPHABET,
    CertificateText,
    certificate_pdf,
    indonesian_date,
    indonesian_time,
    latin1,
    masked_name,
    new_code,
    normalised_code,
)
from pypdf import PdfReader


def test_codes_are_read_aloud_easily_and_found_however_typed() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4]
        assert set("".join(groups)) <= set(CODE_ALPHABET)
        assert not set(code) & set("ILOU")
    assert normalised_code("k7q2m4xh9tra") == "K7Q2-M4XH-9TRA"
    assert normalised_code(" K7Q2 M4XH 9TRA ") == "K7Q2-M4XH-9TRA"
    assert normalised_code("K7Q2-M4XH-9TRO") == "K7Q2-M4XH-9TR0"  # O for zero
    assert normalised_code("K7Q2-M4XH") is None
    assert normalised_code("K7Q2-M4XH-9TRU") is None


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Rina Sitorus", "Ri** Si*****"),
        ("I Gede Made Ra", "I Ge** Ma** R*"),
        ("  Budi   ", "Bu**"),
    ],
)
def test_a_name_is_partly_masked(name: str, masked: str) -> None:
    assert masked_name(name) == masked


def test_dates_and_hours_are_written_the_indonesian_way_in_the_places_zone() -> None:
    start = datetime(2026, 5, 25, 1, 0, tzinfo=UTC)
    assert (indonesian_date(start, "WIB"), indonesian_time(start, "WIB")) == (
        "Senin, 25 Mei 2026",
        "08.00 WIB",
    )
    assert indonesian_time(start, "WITA") == "09.00 WITA"
    late = datetime(2026, 8, 16, 16, 30, tzinfo=UTC)  # past midnight in Jayapura
    assert (indonesian_date(late, "WIT"), indonesian_time(late, "WIT")) == (
        "Senin, 17 Agustus 2026",
        "01.30 WIT",
    )


def test_letters_outside_latin1_get_their_nearest_form() -> None:
    assert latin1("Nguyễn Thị Łan") == "Nguyen Thi Lan"
    assert latin1("Ma’ruf Amin") == "Ma'ruf Amin"
    assert latin1("José Ñoño") == "José Ñoño"  # Latin-1 stays as it is
    assert latin1("李") == "?"


def test_the_certificate_reads_back_with_name_training_local_time_and_code() -> None:
    certificate = CertificateText(
        code="K7Q2-M4XH-9TRA",
        name="Nguyễn Thị Łan",
        training="Bimtek Penggerak Komunitas Belajar",
        organiser="BBGP Sumatera Utara",
        starts_at=datetime(2026, 5, 25, 1, 0, tzinfo=UTC),
        timezone="WIB",
        venue="Aula Dinas Pendidikan",
        region="Kabupaten Deli Serdang",
        verify_url="https://kombel.example/activities/certificates/K7Q2-M4XH-9TRA",
    )
    pdf = certificate_pdf(certificate)
    assert pdf.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in (
        "SERTIFIKAT",
        "diberikan kepada",
        "Nguyen Thi Lan",
        "Bimtek Penggerak Komunitas Belajar",
        "Senin, 25 Mei 2026",
        "08.00 WIB",
        "Aula Dinas Pendidikan, Kabupaten Deli Serdang",
        "BBGP Sumatera Utara",
        "K7Q2-M4XH-9TRA",
    ):
        assert expected in text, expected
