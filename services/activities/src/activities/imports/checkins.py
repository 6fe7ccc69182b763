"""A session's paper attendance list, imported: each row names a participant who came.

A row finds its registration in the session by its NUPTK, email or phone (digested, against
the digests the roster row left on the registration and those of its person), or, when it has
none of them, by its exact name among the session's participants (case and spacing aside).
Only a seat is checked in; a waitlisted or cancelled registration is refused with its reason.

The rule is the scanners' (`activities.services.checkins`): the earliest time wins, the
session's `checked_in` counts a participant once, on their first check-in, under the session's
row lock, and `ParticipantCheckedIn` is published whenever the time a participant holds
changes. A row without a time is checked in at the session's start, and never moves an
earlier check-in.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from kombel_events.regions import TimeZone
from kombel_runtime.contacts import normalise_email, normalise_nuptk, normalise_phone
from kombel_runtime.imports import person_columns as columns
from kombel_runtime.imports.job import Chunk, Job, Row, Step
from kombel_runtime.imports.kinds import Column, KindSpec
from kombel_runtime.person_rows import Optional
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from activities.db.tables import registrations, replica_people
from activities.identity_key import digests_of
from activities.imports.attendance import name_key
from activities.imports.organisers import checkin_session, target_of
from activities.services.checkins import OK, check_in_many, near_the_session
from activities.services.seats import CANCELLED, REGISTERED, WAITLISTED

KIND = "checkins"
ALREADY_CHECKED_IN = "sudah tercatat hadir"
TIME_FORMAT = "tulis jam seperti 08.15, atau tanggal dan jam seperti 25/05/2026 08.15"

_CLOCK = re.compile(r"(\d{1,2})[.:](\d{2})(?:[.:](\d{2}))?")
_DATE = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})")


def clock_text(value: str) -> str:
    """A time as people write it on a list, as ISO text: '08:15:00', or a date and time
    ('2026-05-25T08:15:00', with its offset if it had one)."""
    text = value.strip()
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        pass
    parts = text.replace("T", " ").split()
    day = None
    if len(parts) == 2:
        found = _DATE.fullmatch(parts[0])
        if found is None:
            raise PydanticCustomError("checkin_time", TIME_FORMAT)
        day_of_month, month, year = (int(g) for g in found.groups())
        parts = parts[1:]
        try:
            day = datetime(year, month, day_of_month)
        except ValueError:
            raise PydanticCustomError("checkin_time", TIME_FORMAT) from None
    clock = _CLOCK.fullmatch(parts[0]) if len(parts) == 1 else None
    if clock is None:
        raise PydanticCustomError("checkin_time", TIME_FORMAT)
    hour, minute, second = clock.groups()
    try:
        at = time(int(hour), int(minute), int(second or 0))
    except ValueError:
        raise PydanticCustomError("checkin_time", TIME_FORMAT) from None
    return datetime.combine(day, at).isoformat() if day else at.isoformat()


class CheckinDraft(BaseModel):
    full_name: Annotated[str, BeforeValidator(str.strip), Field(min_length=1, max_length=200)]
    nuptk: Annotated[Optional, AfterValidator(lambda v: v and normalise_nuptk(v))] = None
    email: Annotated[Optional, AfterValidator(lambda v: v and normalise_email(v))] = None
    phone: Annotated[Optional, AfterValidator(lambda v: v and normalise_phone(v))] = None
    checked_at: Annotated[Optional, AfterValidator(lambda v: v and clock_text(v))] = None


SPEC = KindSpec(
    KIND,
    CheckinDraft,
    (
        columns.FULL_NAME,
        columns.NUPTK,
        columns.EMAIL,
        columns.PHONE,
        Column(
            "checked_at",
            "Waktu Hadir",
            ("waktuhadir", "jamhadir", "jam", "waktu", "jamdatang", "waktudatang", "pukul"),
            False,
            "07.45",
        ),
    ),
)

_PARTICIPANTS = select(
    registrations.c.id,
    registrations.c.status,
    registrations.c.checked_in_at,
    registrations.c.identity_digests,
    replica_people.c.identity_digests.label("person_digests"),
    replica_people.c.full_name,
).outerjoin(replica_people, replica_people.c.id == registrations.c.person_id)


@dataclass
class Participants:
    """A session's registrations, found by digest and by name; the best standing first."""

    by_digest: dict[bytes, list[dict[str, Any]]]
    by_name: dict[str, list[dict[str, Any]]]


_RANK = {REGISTERED: 0, CANCELLED: 2}


def _best(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The registrations of the best standing: a seat before a waitlist place before a
    cancelled one (a person cancelled and registered again is their seat)."""
    if not found:
        return []
    rank = min(_RANK.get(r["status"], 1) for r in found)
    unique = {r["id"]: r for r in found if _RANK.get(r["status"], 1) == rank}
    return list(unique.values())


async def _participants(session: AsyncSession, session_id: UUID) -> Participants:
    by_digest: dict[bytes, list[dict[str, Any]]] = {}
    by_name: dict[str, list[dict[str, Any]]] = {}
    rows = await session.execute(_PARTICIPANTS.where(registrations.c.session_id == session_id))
    for found in rows.mappings():
        participant = dict(found)
        for digest in {*(found["identity_digests"] or ()), *(found["person_digests"] or ())}:
            by_digest.setdefault(bytes(digest), []).append(participant)
        if found["full_name"]:
            by_name.setdefault(name_key(found["full_name"]), []).append(participant)
    return Participants(by_digest, by_name)


def _time_of(row: Row, place: dict[str, Any]) -> datetime | str | None:
    """The row's time as an instant (a time alone is on the session's day, in its zone), None
    without one, or why it cannot be."""
    written = row.values.get("checked_at")
    if not written:
        return None
    zone = ZoneInfo(TimeZone(place["timezone"]).iana)
    starts = place["starts_at"].astimezone(zone)
    if "T" in written:
        at = datetime.fromisoformat(written)
        at = at if at.tzinfo else at.replace(tzinfo=zone)
    else:
        at = datetime.combine(starts.date(), time.fromisoformat(written), zone)
    if not near_the_session(place, at):
        local = starts.strftime("%d/%m/%Y %H.%M")
        return f"Waktu Hadir: jauh dari waktu sesi (mulai {local} {place['timezone']})"
    return at


def _match(row: Row, participants: Participants) -> dict[str, Any] | str:
    digests = digests_of(row.values)
    if digests:
        found = _best([p for d in digests for p in participants.by_digest.get(d, ())])
        where = "NUPTK, Email atau No. HP/WA"
    else:
        found = _best(participants.by_name.get(name_key(row.values["full_name"]), []))
        where = "Nama Lengkap"
    if not found:
        return f"{where}: tidak terdaftar di sesi ini"
    if len(found) > 1:
        return f"{where}: cocok dengan {len(found)} peserta sesi ini; isi NUPTK atau Email"
    return found[0]


def _refusal(status: str) -> str | None:
    if status == CANCELLED:
        return "Pendaftarannya di sesi ini sudah dibatalkan"
    if status != REGISTERED:
        return "Masih di daftar tunggu sesi ini: hanya peserta yang mendapat kursi dicatat hadir"
    return None


@dataclass
class Planned:
    row: Row
    registration_id: UUID
    at: datetime | None
    outcome: str  # created | updated


def _outcome(before: datetime | None, at: datetime | None) -> str:
    if before is None:
        return "created"
    return "updated" if at is not None and at < before else "duplicate"


def _count(chunk: Chunk, row: Row, outcome: str) -> None:
    """A first check-in, or an earlier time for one already recorded."""
    if outcome == "updated":
        chunk.counters.updated += 1
        row.outcome, row.note = "update", "waktu hadir dimajukan ke waktu di daftar ini"
    else:
        chunk.counters.created += 1


_GONE = "Tidak lagi terdaftar di sesi ini"


def _refusal_of(code: str) -> str:
    """A scanner's refusal (`activities.services.checkins`), as a row's error."""
    if code == "registration_cancelled":
        return _refusal(CANCELLED) or _GONE
    if code == "registration_waitlisted":
        return _refusal(WAITLISTED) or _GONE
    return _GONE


def _check_in(job: Job, place: dict[str, Any], planned: list[Planned]) -> Step:
    """The planned rows checked in as the scanners check in a batch (`check_in_many`); a
    row whose outcome a scanner or a cancellation changed in between is counted anew."""

    async def check_in(session: AsyncSession, chunk: Chunk) -> None:
        device = f"import:{job.id}"
        scans = [(p.registration_id, p.at or place["starts_at"], device) for p in planned]
        outcomes = await check_in_many(session, place["id"], scans, chunk.events)
        for item, (_, at, _), outcome in zip(planned, scans, outcomes, strict=True):
            if outcome.code:
                outcome_now = "rejected"
            elif outcome.result == OK:
                outcome_now = "created"
            else:
                outcome_now = "updated" if outcome.checked_in_at == at else "duplicate"
            if outcome_now == item.outcome:
                continue
            setattr(chunk.counters, item.outcome, getattr(chunk.counters, item.outcome) - 1)
            item.row.outcome = item.row.note = None
            if outcome.code:
                item.row.error = _refusal_of(outcome.code)
            elif outcome_now == "duplicate":
                chunk.duplicate(item.row, ALREADY_CHECKED_IN)
            else:
                _count(chunk, item.row, outcome_now)

    return check_in


async def apply(session: AsyncSession, job: Job, chunk: Chunk) -> None:
    place = await target_of(session, job, checkin_session)
    participants = await _participants(session, place["id"])
    # What earlier chunks of this job decided, which the database may not show yet.
    decided: dict[UUID, datetime] = job.decided.setdefault(("checked_in",), {})
    planned: list[Planned] = []
    for row in chunk.rows:
        if row.error:
            continue
        at = _time_of(row, place)
        found = _match(row, participants)
        if isinstance(at, str) or isinstance(found, str):
            row.error = at if isinstance(at, str) else str(found)
            continue
        refusal = _refusal(found["status"])
        if refusal:
            row.error = refusal
            continue
        if not job.claim(chunk, row, [("registration", str(found["id"]))]):
            continue
        before = decided.get(found["id"], found["checked_in_at"])
        outcome = _outcome(before, at)
        if outcome == "duplicate":
            chunk.duplicate(row, ALREADY_CHECKED_IN)
            continue
        _count(chunk, row, outcome)
        decided[found["id"]] = at or place["starts_at"]
        planned.append(Planned(row, found["id"], at, outcome))
    if planned:
        chunk.steps.append(_check_in(job, place, planned))
