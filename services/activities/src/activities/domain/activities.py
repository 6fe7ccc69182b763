"""The rules of a community's activity: when it took place, in the time of its place, how it
was held, and what was agreed; pure functions, no I/O."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from kombel_events.activities import Mode
from kombel_events.regions import TimeZone, regions
from kombel_runtime.errors import Invalid

# A meeting is logged after it happens, or planned ahead; a year on is a typing mistake.
LATEST_AHEAD = timedelta(days=366)
EARLIEST_BEFORE = timedelta(days=5 * 366)
LONGEST = timedelta(hours=12)
# Members mark themselves present from shortly before the start until a day after the end.
OPEN_BEFORE = timedelta(hours=1)
OPEN_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class PlacedTime:
    utc: datetime
    timezone: TimeZone

    @property
    def local(self) -> datetime:
        return self.utc.astimezone(ZoneInfo(self.timezone.iana))


def zone_of(kabkota_code: str) -> TimeZone:
    region = regions().get(kabkota_code)
    if region is None:
        raise Invalid("region_unknown", f"Kabupaten/kota {kabkota_code} tidak dikenal.")
    return region.timezone


def instant(value: datetime, zone: TimeZone, field: str) -> datetime:
    """The instant of a time given by a person: one without offset is local time in `zone`."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone.iana))
    try:
        return value.astimezone(UTC)
    except OverflowError:  # the first or last day of the calendar, moved past its edge
        raise Invalid(
            "time_out_of_range",
            "Tanggal ini di luar rentang yang dapat disimpan. Periksa tahunnya.",
            details=[{"field": field, "code": "time_out_of_range"}],
        ) from None


def place_start(starts_at: datetime, kabkota_code: str, now: datetime) -> PlacedTime:
    """The start as an instant: a time without offset is the local time of the community's
    place (a meeting "Kamis 16.00 WITA"), one with an offset is taken as given."""
    zone = zone_of(kabkota_code)
    at = instant(starts_at, zone, "starts_at")
    if at > now + LATEST_AHEAD:
        raise Invalid(
            "start_too_far_ahead",
            "Waktu mulai lebih dari setahun ke depan. Periksa tahun pada tanggalnya.",
            details=[{"field": "starts_at", "code": "start_too_far_ahead"}],
        )
    if at < now - EARLIEST_BEFORE:
        raise Invalid(
            "start_too_long_ago",
            "Waktu mulai lebih dari lima tahun lalu. Periksa tahun pada tanggalnya.",
            details=[{"field": "starts_at", "code": "start_too_long_ago"}],
        )
    return PlacedTime(at, zone)


def duration_of(start: PlacedTime, duration_minutes: int | None, ends_at: datetime | None) -> int:
    """Minutes the activity lasted, from a duration or from its end (in the same zone rule)."""
    if ends_at is not None:
        end = instant(ends_at, start.timezone, "ends_at")
        minutes = int((end - start.utc).total_seconds() // 60)
        if minutes <= 0:
            raise Invalid(
                "end_before_start",
                "Waktu selesai harus setelah waktu mulai.",
                details=[{"field": "ends_at", "code": "end_before_start"}],
            )
    elif duration_minutes is not None:
        minutes = duration_minutes
    else:
        raise Invalid(
            "duration_missing",
            "Isi lama kegiatan (`duration_minutes`) atau waktu selesainya (`ends_at`).",
            details=[{"field": "duration_minutes", "code": "duration_missing"}],
        )
    if minutes > LONGEST.total_seconds() // 60:
        raise Invalid(
            "duration_too_long",
            "Kegiatan lebih dari 12 jam. Catat tiap hari sebagai kegiatan tersendiri.",
            details=[{"field": "duration_minutes", "code": "duration_too_long"}],
        )
    return minutes


def check_how_held(mode: Mode, place: str | None, meeting_url: str | None) -> None:
    """In person needs a place, online a link, hybrid both."""
    if mode in (Mode.LURING, Mode.HYBRID) and not place:
        raise Invalid(
            "place_required",
            "Kegiatan luring atau hybrid perlu tempatnya (`place`).",
            details=[{"field": "place", "code": "place_required"}],
        )
    if mode in (Mode.DARING, Mode.HYBRID) and not meeting_url:
        raise Invalid(
            "meeting_url_required",
            "Kegiatan daring atau hybrid perlu tautan pertemuannya (`meeting_url`).",
            details=[{"field": "meeting_url", "code": "meeting_url_required"}],
        )


def check_good_practice(flagged: bool, summary: str | None) -> None:
    if flagged and not summary:
        raise Invalid(
            "good_practice_summary_required",
            "Praktik baik perlu ringkasan singkat (`good_practice_summary`) agar bisa dicari.",
            details=[{"field": "good_practice_summary", "code": "required"}],
        )


def attendance_open(starts_at: datetime, duration_minutes: int, now: datetime) -> bool:
    """Whether members may still mark themselves present."""
    ends = starts_at + timedelta(minutes=duration_minutes)
    return starts_at - OPEN_BEFORE <= now <= ends + OPEN_AFTER
