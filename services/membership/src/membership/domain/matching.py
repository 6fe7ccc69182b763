"""How a person given by a row or a request finds its place and its stored record.

Membership's people import and the registration saga (`services.person_requests`) judge a
person alike, by these two steps: `place` (the school exists and the caller covers it), then,
once the stored people holding the identities are read in one set query, `match` (nobody
holds them, or one person the caller may see in the same kabupaten/kota, with no identity of
another person). What each does with a match differs: the import updates the record, the saga
only links to it.

A refusal has a stable `code` and an Indonesian `message` that names no personal data: the
NPSN of a school at most. Who holds an identity the caller may not see is never said.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kombel_runtime.auth import Principal

from membership.db.records import People, held_by_others, holder
from membership.domain.access import can_see

IDENTITY_LABELS = {"nuptk": "NUPTK", "nip": "NIP", "email": "Email", "phone": "No. HP/WA"}
# Said alike whatever matched: an import is not a way to look up another area's people.
REGISTERED_ELSEWHERE = (
    "PTK dengan NUPTK, email atau nomor HP/WA ini sudah terdaftar di wilayah lain; hubungi "
    "dinas pendidikan atau BBGP/BPMP wilayah tersebut"
)
MOVE_REFUSED = (
    "NPSN Sekolah: PTK ini terdaftar di kabupaten/kota lain; impor tidak memindahkan PTK "
    "antarwilayah. Pemindahan dilakukan staf yang berwenang atas kedua wilayah"
)


@dataclass(frozen=True)
class Refusal:
    code: str  # school_unknown | out_of_scope | registered_elsewhere | identity_conflict
    message: str


@dataclass(frozen=True)
class Match:
    """The stored person the values belong to, and the identity that matched."""

    person: dict[str, Any]
    matched_on: str


def place(
    principal: Principal, school: Mapping[str, Any] | None, npsn: str
) -> Refusal | dict[str, str]:
    """The region of the person's school, or why the caller may not put anyone there."""
    if school is None:
        return Refusal("school_unknown", f"NPSN Sekolah: sekolah {npsn} belum terdaftar")
    if not can_see(principal, school["kabkota_code"], school["npsn"]):
        return Refusal(
            "out_of_scope", f"NPSN Sekolah: sekolah {npsn} di luar wilayah kewenangan Anda"
        )
    return {"province_code": school["province_code"], "kabkota_code": school["kabkota_code"]}


def match(principal: Principal, found: People, values: Mapping[str, Any]) -> Refusal | Match | None:
    """The stored person of placed `values` (with their `kabkota_code`), None when nobody
    holds their identities, or why they cannot be that person. `found` holds the people of
    the identities (`records.people_holding`) as the caller now knows them.

    A match never moves a person to another region: a transfer is a request of staff who
    cover both. NIP is not matched on, but it is unique: a NIP of another person refuses the
    values as a taken NUPTK would, rather than failing the write."""
    hit = holder(found, values)
    person_id = None
    if hit is not None:
        stored = hit[0]
        if not can_see(principal, stored["kabkota_code"], stored["school_npsn"]):
            return Refusal("registered_elsewhere", REGISTERED_ELSEWHERE)
        if stored["kabkota_code"] != values["kabkota_code"]:
            return Refusal("registered_elsewhere", MOVE_REFUSED)
        person_id = stored["id"]
    taken = held_by_others(found, values, person_id)
    if taken:
        return Refusal(
            "identity_conflict",
            f"{', '.join(IDENTITY_LABELS[f] for f in taken)}: sudah dipakai PTK lain",
        )
    return None if hit is None else Match(*hit)
