"""Instants as a recipient reads them: in the zone of their place, the way their language writes
dates and hours: messages, certificates. Pure functions, no I/O.

Indonesian writes the hour with a dot and the zone after it ("Senin, 9 Desember 2026, 08.00
WIB"); English keeps the Indonesian zone names, which is what a reader in Indonesia knows
("Monday, 9 December 2026, 08:00 WIB"). Anything but English reads Indonesian: it is the
language of the platform.
"""

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from kombel_events.regions import TimeZone


class Language(StrEnum):
    INDONESIAN = "id"
    ENGLISH = "en"

    @classmethod
    def of(cls, code: str | None) -> "Language":
        """The language of a contact's code; Indonesian for anything unknown."""
        return cls.ENGLISH if (code or "").strip().lower() == cls.ENGLISH else cls.INDONESIAN


DAYS = {
    Language.INDONESIAN: ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    Language.ENGLISH: (
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ),
}
MONTHS = {
    Language.INDONESIAN: (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    Language.ENGLISH: (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def zone_of(name: str | None) -> TimeZone:
    """The zone a replica names; WIB (the capital's) when it names none we know."""
    try:
        return TimeZone((name or "").strip().upper())
    except ValueError:
        return TimeZone.WIB


def local(instant: datetime, zone: TimeZone) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("an instant needs its offset")
    return instant.astimezone(ZoneInfo(zone.iana))


def long_date(instant: datetime, zone: TimeZone, language: Language) -> str:
    """ "Senin, 9 Desember 2026" / "Monday, 9 December 2026": the date in the zone."""
    moment = local(instant, zone)
    day = DAYS[language][moment.weekday()]
    return f"{day}, {moment.day} {MONTHS[language][moment.month - 1]} {moment.year}"


def clock(instant: datetime, zone: TimeZone, language: Language) -> str:
    """ "08.00 WIB" / "08:00 WIB": the hour in the zone, with the zone's name."""
    moment = local(instant, zone)
    separator = "." if language is Language.INDONESIAN else ":"
    return f"{moment:%H}{separator}{moment:%M} {zone.value}"


def date_and_time(instant: datetime, zone: TimeZone, language: Language) -> str:
    """ "Senin, 9 Desember 2026, 08.00 WIB" / "Monday, 9 December 2026, 08:00 WIB"."""
    return f"{long_date(instant, zone, language)}, {clock(instant, zone, language)}"
