"""Who may see and organise a training (bimtek), and the rules of its sessions and its
registrations; pure functions, no I/O.

Province staff organise trainings in their province and national admins anywhere. District
staff see a training that has a session in their kabupaten/kota, all its sessions with them,
and the registrations of their own sessions; they register people of their area there, but do
not change the training. A teacher who signs in (`person`) registers themselves and sees the
trainings they are registered for. To anyone else a training does not exist (404).
"""

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from kombel_events.regions import RegionKind, TimeZone, regions
from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import Conflict, Forbidden, Invalid, NotFound

from activities.domain.activities import (
    EARLIEST_BEFORE,
    LATEST_AHEAD,
    PlacedTime,
    instant,
    place_start,
    zone_of,
)

# A session is one site over one or a few days; longer is a typing mistake.
LONGEST_SESSION = timedelta(days=7)
SESSION_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")

# Said to people whose registration ends with its session or training.
SESSION_CANCELLED_REASON = "Sesi pelatihan dibatalkan oleh penyelenggara"
TRAINING_CANCELLED_REASON = "Pelatihan dibatalkan oleh penyelenggara"
CANCELLED_BY_PARTICIPANT = "Dibatalkan oleh peserta"
CANCELLED_BY_STAFF = "Dibatalkan oleh penyelenggara"


class Reach(StrEnum):
    """How far a caller sees into one training."""

    ORGANISER = "organiser"  # the province's staff, or national: everything, and may change it
    DISTRICT = "district"  # staff of a kabupaten/kota with a session: reads, its own sessions
    PARTICIPANT = "participant"  # a teacher registered for it: reads the training


def organises(principal: Principal, province_code: str) -> bool:
    if Role.NATIONAL_ADMIN in principal.roles:
        return True
    return Role.PROVINCE_STAFF in principal.roles and principal.province == province_code


def reach(
    principal: Principal,
    province_code: str,
    session_kabkotas: Collection[str],
    participant: bool,
) -> Reach | None:
    """The caller's reach into a training of the province with sessions in these
    kabupaten/kota; `participant` when the caller's person is registered for it."""
    if organises(principal, province_code):
        return Reach.ORGANISER
    if (
        Role.DISTRICT_STAFF in principal.roles
        and principal.kabkota
        and principal.kabkota in session_kabkotas
    ):
        return Reach.DISTRICT
    if participant:
        return Reach.PARTICIPANT
    return None


def training_not_found() -> NotFound:
    return NotFound(
        "training_not_found",
        "Pelatihan tidak ditemukan atau di luar wilayah kewenangan Anda.",
    )


def session_not_found() -> NotFound:
    return NotFound("session_not_found", "Sesi pelatihan tidak ditemukan.")


def registration_not_found() -> NotFound:
    return NotFound(
        "registration_not_found",
        "Pendaftaran tidak ditemukan atau di luar wilayah kewenangan Anda.",
    )


def require_reader(found: Reach | None) -> Reach:
    if found is None:
        raise training_not_found()
    return found


def require_organiser(found: Reach | None) -> Reach:
    found = require_reader(found)
    if found is not Reach.ORGANISER:
        raise Forbidden(
            "forbidden",
            "Hanya staf provinsi penyelenggara (atau admin nasional) yang boleh mengubah "
            "pelatihan ini.",
        )
    return found


def require_may_organise(principal: Principal, province_code: str) -> None:
    if not organises(principal, province_code):
        raise Forbidden(
            "forbidden",
            "Pelatihan diselenggarakan oleh staf provinsinya (atau admin nasional). Pilih "
            "provinsi wilayah kewenangan Anda.",
            details=[{"field": "province_code", "code": "outside_scope"}],
        )


def sees_registrations_of(
    principal: Principal, found: Reach, kabkota_code: str, person_id: Any
) -> bool:
    """Whether the caller may see (and cancel) one registration of a training they reach:
    organisers all, district staff those of their own sessions, a teacher their own."""
    if found is Reach.ORGANISER:
        return True
    if found is Reach.DISTRICT and principal.kabkota == kabkota_code:
        return True
    return principal.person_id is not None and principal.person_id == person_id


def works_at(principal: Principal, kabkota_code: str) -> bool:
    """Staff who run a session in this kabupaten/kota: check people in, see its seats. The
    province's staff (a session's place lies in its training's province), the district's, and
    a national admin; the same people `may_register` there."""
    return principal.covers_region(kabkota_code)


def sees_registration(principal: Principal, kabkota_code: str, person_id: Any) -> bool:
    """One registration at a session in this kabupaten/kota: its staff, and the person."""
    if works_at(principal, kabkota_code):
        return True
    return principal.person_id is not None and principal.person_id == person_id


def may_register(principal: Principal, found: Reach | None, kabkota_code: str) -> bool:
    """Staff register others at a session they reach: organisers at any, district staff at
    those of their kabupaten/kota."""
    if found is Reach.ORGANISER:
        return True
    return found is Reach.DISTRICT and principal.kabkota == kabkota_code


def person_in_scope(principal: Principal, person: dict[str, Any]) -> bool:
    """Staff register people of their own area only."""
    if Role.NATIONAL_ADMIN in principal.roles:
        return True
    kabkota = person.get("kabkota_code")
    return kabkota is not None and principal.covers_region(kabkota)


# Trainings


def check_open(training: dict[str, Any]) -> None:
    if training["status"] != "scheduled":
        raise Conflict("training_cancelled", "Pelatihan ini sudah dibatalkan.")


def registration_open(training: dict[str, Any], now: datetime | None = None) -> bool:
    closes = training["registration_closes_at"]
    now = now or datetime.now(UTC)
    return training["status"] == "scheduled" and (closes is None or now < closes)


def check_registration_open(training: dict[str, Any], now: datetime) -> None:
    check_open(training)
    if not registration_open(training, now):
        raise Conflict("registration_closed", "Pendaftaran pelatihan ini sudah ditutup.")


def province_zone(province_code: str) -> TimeZone:
    region = regions().get(province_code)
    if region is None or region.kind is not RegionKind.PROVINSI:
        raise Invalid(
            "province_unknown",
            f"Provinsi {province_code} tidak dikenal. Tulis kodenya seperti Kemendagri, mis. 63.",
            details=[{"field": "province_code", "code": "province_unknown"}],
        )
    return region.timezone


def closing_time(value: datetime | None, province_code: str, now: datetime) -> datetime | None:
    """Registration closes at this instant; a time without offset is the province's local
    time. Within a year ahead, like the sessions it closes."""
    if value is None:
        return None
    closes = instant(value, province_zone(province_code), "registration_closes_at")
    if not now - EARLIEST_BEFORE <= closes <= now + LATEST_AHEAD:
        raise Invalid(
            "closing_time_out_of_range",
            "Penutupan pendaftaran harus dalam setahun ke depan. Periksa tahun pada tanggalnya.",
            details=[{"field": "registration_closes_at", "code": "closing_time_out_of_range"}],
        )
    return closes


# Sessions


def session_region(kabkota_code: str, province_code: str) -> None:
    region = regions().get(kabkota_code)
    if region is None or region.kind not in (RegionKind.KABUPATEN, RegionKind.KOTA):
        raise Invalid(
            "region_unknown",
            f"Kabupaten/kota {kabkota_code} tidak dikenal.",
            details=[{"field": "kabkota_code", "code": "region_unknown"}],
        )
    if region.province_code != province_code:
        raise Invalid(
            "kabkota_outside_province",
            "Sesi diadakan di kabupaten/kota dalam provinsi pelatihannya.",
            details=[{"field": "kabkota_code", "code": "kabkota_outside_province"}],
        )


@dataclass(frozen=True)
class SessionTimes:
    start: PlacedTime
    ends_at: datetime  # UTC


def session_times(
    starts_at: datetime, ends_at: datetime, kabkota_code: str, now: datetime
) -> SessionTimes:
    """Start and end as instants; a time without offset is the local time of the session's
    place ("08.00 WITA" in Makassar is 00.00 UTC)."""
    zone = zone_of(kabkota_code)
    start = place_start(instant(starts_at, zone, "starts_at"), kabkota_code, now)
    end = instant(ends_at, zone, "ends_at")
    if end <= start.utc:
        raise Invalid(
            "end_before_start",
            "Waktu selesai harus setelah waktu mulai.",
            details=[{"field": "ends_at", "code": "end_before_start"}],
        )
    if end - start.utc > LONGEST_SESSION:
        raise Invalid(
            "session_too_long",
            "Satu sesi paling lama 7 hari. Buat sesi tersendiri untuk tiap tempat dan waktu.",
            details=[{"field": "ends_at", "code": "session_too_long"}],
        )
    return SessionTimes(start, end)


def moved_times(
    starts_at: datetime,
    ends_at: datetime,
    new_start: datetime | None,
    new_end: datetime | None,
    kabkota_code: str,
    now: datetime,
) -> SessionTimes:
    """A session's times after a change: a new start alone moves the whole session, keeping
    its length."""
    zone = zone_of(kabkota_code)
    start = instant(new_start, zone, "starts_at") if new_start is not None else starts_at
    end = new_end
    if end is None:
        end = place_start(start, kabkota_code, now).utc + (ends_at - starts_at)
    return session_times(start, end, kabkota_code, now)


def session_code(kabkota_code: str, taken: Collection[str]) -> str:
    """A readable code, unique in the training, from the kabupaten/kota's name: `DAIRI`,
    `KOTA-MEDAN`; a second session at the same place gets `DAIRI-2`. Roster rows may name it."""
    region = regions().get(kabkota_code)
    name = region.name if region else kabkota_code
    words = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-") or kabkota_code
    if region is not None and region.kind is RegionKind.KOTA:
        words = f"KOTA-{words}"
    words = words[:36].rstrip("-")
    taken = {t.upper() for t in taken}
    code, n = words, 1
    while code in taken:
        n += 1
        code = f"{words}-{n}"
    return code


def check_code_free(code: str, taken: Collection[str]) -> None:
    if code.upper() in {t.upper() for t in taken}:
        raise Conflict(
            "session_code_taken",
            f"Kode sesi {code} sudah dipakai sesi lain pelatihan ini. Pilih kode lain.",
            details=[{"field": "code", "code": "session_code_taken"}],
        )


def check_session_open(place_of: dict[str, Any]) -> None:
    if place_of["status"] != "scheduled":
        raise Conflict("session_cancelled", "Sesi ini sudah dibatalkan.")


def check_capacity(capacity: int, registered: int) -> None:
    """Capacity never falls below the seats already taken: cancel registrations first."""
    if capacity < registered:
        raise Conflict(
            "capacity_below_registered",
            f"Kapasitas tidak bisa kurang dari {registered} peserta yang sudah terdaftar. "
            "Batalkan pendaftaran lebih dulu bila memang perlu dikurangi.",
            details=[
                {"field": "capacity", "code": "capacity_below_registered", "registered": registered}
            ],
        )


def seats_left(place_of: dict[str, Any]) -> int:
    return max(int(place_of["capacity"]) - int(place_of["registered"]), 0)


def region_name(code: str) -> str | None:
    region = regions().get(code)
    return region.display_name if region else None
