"""A training's roster, imported: every valid row gets a seat in its session, or a place on
that session's waitlist, in the order of the file.

A row is checked as membership's people import checks one (`PersonDraft`; its school must be
known and in the uploader's region), then placed: in the session its Kode Sesi names, else the
training's session in its kabupaten/kota (as written, else its school's). Its NUPTK, email and
phone, digested, find its person in the people replica. A person already in the training, or
repeated in the file, is a duplicate; a person the platform does not know yet is seated all the
same, without a person, and membership is asked to create them (`PersonRequested`, in the same
transaction): `activities.saga` links or cancels the registration when membership answers.
Seats are taken when the chunk is written, under the sessions' locks (`seats.place`).
"""

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from kombel_events.membership import Position
from kombel_events.person_requests import PersonRequested, Requester
from kombel_events.regions import regions
from kombel_runtime.auth import Principal
from kombel_runtime.imports import person_columns as columns
from kombel_runtime.imports.job import Chunk, ImportFailed, Job, Row, Step
from kombel_runtime.imports.kinds import Column, KindSpec
from kombel_runtime.person_rows import Optional, PersonDraft, kabkota_code
from pydantic import AfterValidator
from sqlalchemy.ext.asyncio import AsyncSession

from activities.identity_key import digests_of
from activities.imports.organisers import Roster, roster_of, target_of
from activities.imports.roster_matching import people_holding, places_held, schools_of
from activities.services.seats import WAITLISTED, SeatRequest, SessionClosed, place

KIND = "registrations"
# The kind's own counters (columns of `imports`, see `activities.imports.importer`).
WAITLISTED_COUNTER = "waitlisted"
PEOPLE_REQUESTED = "people_requested"
# The noted rows of people asked of membership: kept for errors.csv should membership refuse.
REQUESTED = "requested"

NO_IDENTIFIER = (
    "Isi NUPTK, Email atau No. HP/WA: tanpa salah satunya peserta tidak dapat dikenali, dan "
    "unggahan ulang akan mendaftarkannya lagi"
)
TWO_PEOPLE = (
    "NUPTK, Email dan No. HP/WA baris ini milik PTK yang berbeda; perbaiki datanya lalu unggah lagi"
)
ALREADY_REGISTERED = "sudah terdaftar di pelatihan ini"
REFUSED_BEFORE = "PTK ini sudah ditolak membership pada unggahan sebelumnya"
# As membership says it, naming no one: a row's identifiers belong to a person of another
# kabupaten/kota than its school (no roster moves or reveals a person elsewhere).
REGISTERED_ELSEWHERE = (
    "PTK dengan NUPTK, email atau nomor HP/WA ini sudah terdaftar di wilayah lain; hubungi "
    "dinas pendidikan atau BBGP/BPMP wilayah tersebut"
)


class RosterDraft(PersonDraft):
    kabkota_code: Annotated[Optional, AfterValidator(lambda v: v and kabkota_code(v))] = None
    session_code: Optional = None


SESSION_CODE = Column(
    "session_code",
    "Kode Sesi",
    ("kodesesi", "sesi", "kodesesipelatihan", "sesipelatihan"),
    False,
    "",
)
SPEC = KindSpec(
    KIND,
    RosterDraft,
    (
        columns.FULL_NAME,
        *columns.PERSON[1:],
        Column(
            "kabkota_code", columns.KABKOTA.header, columns.KABKOTA.aliases, False, "Kab. Dairi"
        ),
        SESSION_CODE,
    ),
)


@dataclass
class Candidate:
    row: Row
    place: dict[str, Any]
    digests: list[bytes]
    school_kabkota: str


def _region_name(code: str) -> str:
    region = regions().get(code)
    return region.display_name if region else code


def _session_of(row: Row, roster: Roster, school: dict[str, Any]) -> dict[str, Any] | str:
    """The session the row goes to, or why it has none."""
    code = row.values.get("session_code")
    if code:
        named = [s for s in roster.sessions if s["code"].casefold() == code.casefold()]
        if not named:
            return f"Kode Sesi: sesi {code} tidak ada di pelatihan ini"
        chosen = named[0]
        if chosen["status"] != "scheduled":
            return f"Kode Sesi: sesi {chosen['code']} sudah dibatalkan"
    else:
        written = row.values.get("kabkota_code")
        where = written or school["kabkota_code"]
        label = "Kabupaten/Kota" if written else "NPSN Sekolah (kabupaten/kota sekolahnya)"
        here = [
            s for s in roster.sessions if s["kabkota_code"] == where and s["status"] == "scheduled"
        ]
        if not here:
            return (
                f"{label}: pelatihan ini tidak punya sesi di {_region_name(where)}; isi Kode Sesi"
            )
        if len(here) > 1:
            return (
                f"{label}: pelatihan ini punya {len(here)} sesi di {_region_name(where)}; "
                "isi Kode Sesi"
            )
        chosen = here[0]
    if not roster.allows(chosen):
        return (
            f"Kode Sesi: sesi {chosen['code']} di {_region_name(chosen['kabkota_code'])}, di luar "
            "kabupaten/kota Anda"
        )
    return chosen


def _candidate(
    job: Job, chunk: Chunk, row: Row, roster: Roster, schools: dict[str, dict[str, Any]]
) -> Candidate | None:
    """The row's session and digests once it passes the checks of its own; else the row says
    why (or that it repeats an earlier row)."""
    npsn = row.values["school_npsn"]
    school = schools.get(npsn)
    if school is None:
        row.error = f"NPSN Sekolah: sekolah {npsn} belum terdaftar"
        return None
    if not job.principal.covers_region(school["kabkota_code"]):
        row.error = f"NPSN Sekolah: sekolah {npsn} di luar wilayah kewenangan Anda"
        return None
    chosen = _session_of(row, roster, school)
    if isinstance(chosen, str):
        row.error = chosen
        return None
    digests = digests_of(row.values)
    if not digests:
        row.error = NO_IDENTIFIER
        return None
    if not job.claim(chunk, row, [("identity", d.hex()) for d in digests]):
        return None
    return Candidate(row, chosen, digests, school["kabkota_code"])


def person_request(job: Job, training_id: UUID, request_id: UUID, values: dict[str, Any]) -> Any:
    principal: Principal = job.principal
    return PersonRequested(
        request_id=request_id,
        requester=Requester(
            subject=principal.subject,
            roles=sorted(principal.roles),
            province=principal.province,
            kabkota=principal.kabkota,
        ),
        reason=f"training:{training_id}",
        full_name=values["full_name"],
        nuptk=values.get("nuptk"),
        nip=values.get("nip"),
        email=values.get("email"),
        phone=values.get("phone"),
        position=Position(values["position"]),
        school_npsn=values["school_npsn"],
    )


def _would_wait(job: Job, place_of: dict[str, Any]) -> bool:
    """In a dry run: whether the next seat of the session would be a waitlist place, counting
    what earlier rows of the file took."""
    free: dict[UUID, int] = job.decided.setdefault(("free",), {})
    left = free.setdefault(place_of["id"], place_of["capacity"] - place_of["registered"])
    free[place_of["id"]] = left - 1
    return left <= 0


def _seat(requests: list[SeatRequest]) -> Step:
    async def seat(session: AsyncSession, chunk: Chunk) -> None:
        events: list[Any] = []
        try:
            placements = await place(session, requests, events)
        except SessionClosed as closed:
            raise ImportFailed(
                "Sebuah sesi dibatalkan selama impor berjalan. Unggah lagi berkas yang sama: "
                "peserta yang sudah terdaftar akan dikenali."
            ) from closed
        chunk.counters.count(WAITLISTED_COUNTER, sum(p.status == WAITLISTED for p in placements))
        chunk.events.extend(events)

    return seat


async def apply(session: AsyncSession, job: Job, chunk: Chunk) -> None:
    roster = await target_of(session, job, roster_of)
    training_id = roster.training["id"]
    valid = [r for r in chunk.rows if not r.error]
    schools = await schools_of(session, (r.values["school_npsn"] for r in valid))
    candidates = [c for r in valid if (c := _candidate(job, chunk, r, roster, schools))]
    every_digest = [d for c in candidates for d in c.digests]
    holders = await people_holding(session, every_digest)
    held = await places_held(session, training_id, set(holders.kabkota_of), every_digest)
    # The people this job seated, its earlier chunks included (they may not be written yet).
    seated: set[UUID] = job.decided.setdefault(("people",), set())
    requests: list[SeatRequest] = []
    for candidate in candidates:
        row = candidate.row
        people = {p for d in candidate.digests for p in holders.by_digest.get(d, ())}
        if len(people) > 1:
            row.error = TWO_PEOPLE
            continue
        person = next(iter(people), None)
        refused = next((held.refused[d] for d in candidate.digests if d in held.refused), None)
        if refused is not None:
            row.error = f"{REFUSED_BEFORE}: {refused}"
            continue
        if person is not None and holders.kabkota_of[person] != candidate.school_kabkota:
            row.error = REGISTERED_ELSEWHERE
            continue
        if (
            person in held.people
            or person in seated
            or held.digests.intersection(candidate.digests)
        ):
            chunk.duplicate(row, ALREADY_REGISTERED)
            continue
        request = SeatRequest(
            candidate.place["id"],
            person,
            job.principal.subject,
            identity_digests=candidate.digests,
            saga=None if person else "pending",
            import_id=job.id,
            row_number=row.number,
        )
        requests.append(request)
        chunk.counters.created += 1
        if person is not None:
            seated.add(person)
        else:
            chunk.counters.count(PEOPLE_REQUESTED)
            chunk.events.append(person_request(job, training_id, request.id, row.values))
            row.outcome, row.note = REQUESTED, "PTK baru: menunggu didaftarkan oleh membership"
        if job.dry_run and _would_wait(job, candidate.place):
            chunk.counters.count(WAITLISTED_COUNTER)
    if requests:
        chunk.steps.append(_seat(requests))
