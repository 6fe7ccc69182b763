"""Dates and hours as a recipient reads them, in their zone and language."""

from datetime import UTC, datetime

import pytest
from kombel_events.regions import TimeZone
from kombel_runtime.local_time import (
    Language,
    clock,
    date_and_time,
    long_date,
    zone_of,
)

# 08.00 in Jakarta on a Wednesday.
MORNING = datetime(2026, 12, 9, 1, 0, tzinfo=UTC)
ID, EN = Language.INDONESIAN, Language.ENGLISH


@pytest.mark.parametrize(
    ("zone", "indonesian", "english"),
    [
        (TimeZone.WIB, "Rabu, 9 Desember 2026, 08.00 WIB", "Wednesday, 9 December 2026, 08:00 WIB"),
        (
            TimeZone.WITA,
            "Rabu, 9 Desember 2026, 09.00 WITA",
            "Wednesday, 9 December 2026, 09:00 WITA",
        ),
        (TimeZone.WIT, "Rabu, 9 Desember 2026, 10.00 WIT", "Wednesday, 9 December 2026, 10:00 WIT"),
    ],
)
def test_one_instant_reads_in_each_zone_the_indonesian_and_the_english_way(
    zone: TimeZone, indonesian: str, english: str
) -> None:
    assert date_and_time(MORNING, zone, ID) == indonesian
    assert date_and_time(MORNING, zone, EN) == english


def test_the_example_of_the_issue_reads_as_written() -> None:
    monday = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert date_and_time(monday, TimeZone.WIB, ID) == "Senin, 7 Desember 2026, 08.00 WIB"
    assert date_and_time(monday, TimeZone.WIB, EN) == "Monday, 7 December 2026, 08:00 WIB"


def test_a_late_evening_in_jakarta_is_already_the_next_day_in_papua() -> None:
    evening = datetime(2026, 1, 31, 15, 30, tzinfo=UTC)  # 22.30 WIB, Saturday
    assert long_date(evening, TimeZone.WIB, ID) == "Sabtu, 31 Januari 2026"
    assert long_date(evening, TimeZone.WIT, ID) == "Minggu, 1 Februari 2026"
    assert clock(evening, TimeZone.WIT, ID) == "00.30 WIT"
    assert clock(evening, TimeZone.WIT, EN) == "00:30 WIT"


@pytest.mark.parametrize(
    ("instant", "indonesian", "english"),
    [
        (datetime(2027, 2, 5, 5, tzinfo=UTC), "Jumat, 5 Februari 2027", "Friday, 5 February 2027"),
        (datetime(2027, 5, 1, 5, tzinfo=UTC), "Sabtu, 1 Mei 2027", "Saturday, 1 May 2027"),
        (
            datetime(2027, 8, 17, 5, tzinfo=UTC),
            "Selasa, 17 Agustus 2027",
            "Tuesday, 17 August 2027",
        ),
        (
            datetime(2027, 10, 28, 5, tzinfo=UTC),
            "Kamis, 28 Oktober 2027",
            "Thursday, 28 October 2027",
        ),
    ],
)
def test_days_and_months_have_their_names_in_each_language(
    instant: datetime, indonesian: str, english: str
) -> None:
    assert long_date(instant, TimeZone.WIB, ID) == indonesian
    assert long_date(instant, TimeZone.WIB, EN) == english


def test_an_instant_without_its_offset_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="offset"):
        clock(datetime(2026, 12, 9, 8, 0), TimeZone.WIB, ID)


def test_unknown_languages_and_zones_fall_back_to_indonesian_and_wib() -> None:
    assert Language.of("en") is EN
    assert Language.of("EN ") is EN
    assert Language.of("jv") is ID
    assert Language.of(None) is ID
    assert zone_of("wita") is TimeZone.WITA
    assert zone_of("CET") is TimeZone.WIB
    assert zone_of(None) is TimeZone.WIB
