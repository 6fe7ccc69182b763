"""Check-in at a training session: one scan at the door, a batch a scanner collected offline,
or a paper attendance list; all three apply their scans with `check_in_many`.

The earliest scan of a registration is the one that holds, whatever order scans arrive in:
a registration's `checked_in_at` only ever moves earlier, so replaying a batch changes
nothing and records no event. The session's `checked_in` counter grows in the same statement
that makes a first check-in, so it stays exact however many scanners send at once.

Locks are taken in the order seats take them, the session's row before its registrations', so
a check-in never deadlocks with a cancellation. The session is held `FOR KEY SHARE`: check-ins
of one session run side by side until each adds to the counter, while a seat change (which
locks the row `FOR UPDATE`) waits for them, and they for it.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

from kombel_events import IntegrationEvent
from kombel_events.regions import TimeZone
from kombel_events.trainings import ParticipantCheckedIn
from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import Conflict, DomainError, Forbidden, Invalid
from kombel_runtime.outbox import record_events
from sqlalchemy import Text, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY, TIMESTAMP
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

from activities.checkin_schemas import BatchIn, CheckinIn
from activities.db.tables import registrations, replica_people, training_sessions, trainings
from activities.domain import trainings as rules
from activities.domain.activities import instant
from activities.domain.tickets import SignedTicket, TicketInvalid, read_ticket
from activities.services.seats import CANCELLED, REGISTERED, WAITLISTED, SessionClosed
from activities.services.seats import participant_event as participant
from activities.services.signing_keys import keyring, verified

if TYPE_CHECKING:
    from kombel_runtime.settings import ServiceSettings

OK = "ok"
ALREADY_CHECKED_IN = "already_checked_in"
# A scanner's clock may run a little ahead of the server's; more than this is a wrong clock.
CLOCK_SKEW = timedelta(minutes=5)
# A device's scan this far from its session is a wrong clock (a paper list's time too).
SCAN_SLACK = timedelta(hours=12)
STAFF = (Role.NATIONAL_ADMIN, Role.PROVINCE_STAFF, Role.DISTRICT_STAFF)


class WrongSession(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "wrong_session",
            "Tiket ini untuk sesi lain. Arahkan peserta ke lokasi sesinya.",
        )


class RegistrationWaitlisted(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "registration_waitlisted",
            "Peserta masih di daftar tunggu dan belum mendapat kursi di sesi ini.",
        )


class RegistrationCancelled(Conflict):
    def __init__(self) -> None:
        super().__init__("registration_cancelled", "Pendaftaran peserta ini sudah dibatalkan.")


class ScannedInFuture(Invalid):
    def __init__(self) -> None:
        super().__init__(
            "scanned_in_future",
            "Waktu pindai ada di masa depan. Periksa jam dan tanggal perangkat pemindai.",
        )


class ScannedOutOfRange(Invalid):
    def __init__(self) -> None:
        super().__init__(
            "scanned_out_of_range",
            "Waktu pindai jauh dari waktu sesi (lebih dari 12 jam). Periksa jam dan tanggal "
            "perangkat pemindai.",
        )


class NotStaff(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "checkin_forbidden",
            "Hanya panitia (staf dinas, BBGP/BGP atau admin) yang dapat mencatat kehadiran.",
        )


REFUSALS: Mapping[str, Callable[[], DomainError]] = {
    "ticket_invalid": TicketInvalid,
    "wrong_session": WrongSession,
    "registration_waitlisted": RegistrationWaitlisted,
    "registration_cancelled": RegistrationCancelled,
    "scanned_in_future": ScannedInFuture,
    "scanned_out_of_range": ScannedOutOfRange,
    "time_out_of_range": lambda: Invalid(
        "time_out_of_range", "Tanggal ini di luar rentang yang dapat disimpan. Periksa tahunnya."
    ),
}


class Scan(NamedTuple):
    """One scan of a registration's ticket (or one line of a paper attendance list)."""

    registration_id: UUID
    scanned_at: datetime
    device: str | None = None


@dataclass(frozen=True)
class CheckedIn:
    """A scan at the door that was not refused."""

    result: str
    registration_id: UUID
    scanned_at: datetime
    checked_in_at: datetime


@dataclass(frozen=True)
class Outcome:
    """What became of one scan: a `result`, or the `code` of its refusal."""

    registration_id: UUID | None
    result: str | None = None
    code: str | None = None
    checked_in_at: datetime | None = None

    def accepted(self, scanned_at: datetime) -> CheckedIn:
        """The check-in of a scan not refused; a refusal is raised."""
        if self.result is None or self.registration_id is None or self.checked_in_at is None:
            raise REFUSALS[self.code or "ticket_invalid"]()
        return CheckedIn(self.result, self.registration_id, scanned_at, self.checked_in_at)


def refused(code: str, registration_id: UUID | None = None) -> Outcome:
    return Outcome(registration_id, code=code)


async def session_for_checkin(
    session: AsyncSession, principal: Principal | None, session_id: UUID
) -> dict[str, Any]:
    """The training session, held against seat changes until the transaction ends, if the
    caller may check people in there: staff whose region covers its kabupaten/kota. No
    principal is the import worker, whose job was authorised when it was uploaded."""
    if principal is not None and not principal.has_any(*STAFF):
        raise NotStaff
    row = (
        (
            await session.execute(
                select(training_sessions)
                .where(training_sessions.c.id == session_id)
                .with_for_update(read=True, key_share=True)
            )
        )
        .mappings()
        .one_or_none()
    )
    if row is None or (
        principal is not None and not rules.works_at(principal, row["kabkota_code"])
    ):
        raise rules.session_not_found()
    if row["status"] != "scheduled":
        raise SessionClosed
    return dict(row)


def near_the_session(place: Mapping[str, Any], at: datetime) -> bool:
    """Whether a time given by a device or on a paper list can be a check-in at the session:
    within `SCAN_SLACK` of it."""
    starts: datetime = place["starts_at"]
    ends: datetime = place["ends_at"]
    return starts - SCAN_SLACK <= at <= ends + SCAN_SLACK


def placed_scan_time(
    scanned_at: datetime | None, place: Mapping[str, Any], now: datetime
) -> datetime:
    """A scan's instant: now if not given, the session's local time if given without offset.
    A device's time is refused in the future beyond the clock skew, and far from the session
    (a clock reset to 1970 would otherwise hold as the earliest check-in for good)."""
    if scanned_at is None:
        return now
    at = instant(scanned_at, TimeZone(place["timezone"]), "scanned_at")
    if at > now + CLOCK_SKEW:
        raise ScannedInFuture
    if not near_the_session(place, at):
        raise ScannedOutOfRange
    return at


# One statement for the whole batch: lock the scanned registrations in id order, move the
# check-in of each seat of this session whose scan is earlier than what it has, and add the
# first check-ins to the session's counter. `before` holds each row's values as locked, which
# the rest of the statement decides on; the registrations' own RETURNING would give only the
# values after.
_APPLY_SCANS = text(
    """
    WITH scan AS (
        SELECT * FROM unnest(:ids, :times, :devices) AS s(id, scanned_at, device)
    ),
    before AS (
        SELECT r.id, r.session_id, r.status, r.checked_in_at, r.training_id, r.person_id,
               r.kabkota_code
        FROM registrations r
        WHERE r.id IN (SELECT id FROM scan)
        ORDER BY r.id
        FOR UPDATE
    ),
    moved AS (
        UPDATE registrations r
        SET checked_in_at = s.scanned_at, checkin_device = s.device, updated_at = now()
        FROM before b JOIN scan s ON s.id = b.id
        WHERE r.id = b.id
          AND b.session_id = :session_id
          AND b.status = 'registered'
          AND (b.checked_in_at IS NULL OR s.scanned_at < b.checked_in_at)
        RETURNING r.id
    ),
    counted AS (
        UPDATE training_sessions t
        SET checked_in = t.checked_in + n.first, updated_at = now()
        FROM (
            SELECT count(*) AS first
            FROM moved JOIN before b ON b.id = moved.id
            WHERE b.checked_in_at IS NULL
        ) n
        WHERE t.id = :session_id AND n.first > 0
        RETURNING t.id
    )
    SELECT b.*, m.id IS NOT NULL AS moved
    FROM before b LEFT JOIN moved m ON m.id = b.id
    """
).bindparams(
    bindparam("ids", type_=ARRAY(PG_UUID(as_uuid=True))),
    bindparam("times", type_=ARRAY(TIMESTAMP(timezone=True))),
    bindparam("devices", type_=ARRAY(Text)),
    bindparam("session_id", type_=PG_UUID(as_uuid=True)),
)


def _earliest(scans: Sequence[Scan]) -> dict[UUID, int]:
    """The index of each registration's earliest scan (the first of equal ones)."""
    earliest: dict[UUID, int] = {}
    for index, scan in enumerate(scans):
        held = earliest.get(scan.registration_id)
        if held is None or scan.scanned_at < scans[held].scanned_at:
            earliest[scan.registration_id] = index
    return earliest


def _outcome(
    scan: Scan, first_of_its_registration: bool, row: Mapping[str, Any] | None, session_id: UUID
) -> Outcome:
    if row is None:
        return refused("ticket_invalid")
    if row["session_id"] != session_id:
        return refused("wrong_session", row["id"])
    if row["status"] == WAITLISTED:
        return refused("registration_waitlisted", row["id"])
    if row["status"] == CANCELLED:
        return refused("registration_cancelled", row["id"])
    assert row["status"] == REGISTERED
    holds = row["checked_in_at"] if not row["moved"] else row["earliest"]
    first = first_of_its_registration and row["moved"] and row["checked_in_at"] is None
    return Outcome(row["id"], result=OK if first else ALREADY_CHECKED_IN, checked_in_at=holds)


async def apply_scans(
    session: AsyncSession,
    session_id: UUID,
    scans: Sequence[Scan],
    events: list[IntegrationEvent],
) -> list[Outcome]:
    """`check_in_many` once the session is held (`session_for_checkin`)."""
    if not scans:
        return []
    earliest = _earliest(scans)
    chosen = [scans[index] for index in earliest.values()]
    rows = {
        row["id"]: dict(row)
        for row in (
            await session.execute(
                _APPLY_SCANS,
                {
                    "ids": [s.registration_id for s in chosen],
                    "times": [s.scanned_at for s in chosen],
                    "devices": [s.device for s in chosen],
                    "session_id": session_id,
                },
            )
        ).mappings()
    }
    for registration_id, index in earliest.items():
        row = rows.get(registration_id)
        if row is None:
            continue
        row["earliest"] = scans[index].scanned_at
        if row["moved"]:
            events.append(participant(ParticipantCheckedIn, row, checked_in_at=row["earliest"]))
    return [
        _outcome(
            scan,
            earliest[scan.registration_id] == index,
            rows.get(scan.registration_id),
            session_id,
        )
        for index, scan in enumerate(scans)
    ]


async def check_in_many(
    session: AsyncSession,
    session_id: UUID,
    scans: Sequence[Scan | tuple[UUID, datetime, str | None]],
    events: list[IntegrationEvent],
) -> list[Outcome]:
    """Check in the registrations scanned at a session, one outcome per scan in order; the
    events of check-ins made or moved earlier are appended to `events`, for the caller to
    record in its transaction. For callers that have authorised the session already (a paper
    attendance list's import); scan times are instants (with their offset)."""
    await session_for_checkin(session, None, session_id)
    return await apply_scans(session, session_id, [Scan(*s) for s in scans], events)


async def check_in_ticket(
    session: AsyncSession,
    settings: "ServiceSettings",
    source: str,
    principal: Principal,
    command: CheckinIn,
) -> CheckedIn:
    """One scan at the door; a refusal is raised."""
    if not principal.has_any(*STAFF):
        raise NotStaff
    # The session first: to staff of another place it does not exist, whatever the ticket.
    place = await session_for_checkin(session, principal, command.session_id)
    ticket = await verified(session, settings, command.ticket)
    if ticket.session_id != command.session_id:
        raise WrongSession
    at = placed_scan_time(command.scanned_at, place, datetime.now(UTC))
    events: list[IntegrationEvent] = []
    [outcome] = await apply_scans(
        session, command.session_id, [Scan(ticket.registration_id, at, command.device_id)], events
    )
    done = outcome.accepted(at)
    await record_events(session, source, events)
    return done


async def check_in_batch(
    session: AsyncSession,
    settings: "ServiceSettings",
    source: str,
    principal: Principal,
    command: BatchIn,
) -> list[Outcome]:
    """Scans collected offline: each ticket verified here, all of them applied at once."""
    place = await session_for_checkin(session, principal, command.session_id)
    keys = await keyring(session, settings)
    signed: list[SignedTicket | Outcome] = []
    for scan in command.scans:
        try:
            signed.append(read_ticket(scan.ticket))
        except TicketInvalid:
            signed.append(refused("ticket_invalid"))
    if any(isinstance(s, SignedTicket) and s.ticket.kid not in keys.keys for s in signed):
        keys = await keyring(session, settings, reload=True)
    now = datetime.now(UTC)
    outcomes: list[Outcome | None] = []
    valid: list[Scan] = []
    for scan, read in zip(command.scans, signed, strict=True):
        if isinstance(read, Outcome):
            outcomes.append(read)
            continue
        try:
            ticket = keys.verify(read)
            if ticket.session_id != command.session_id:
                raise WrongSession
            at = placed_scan_time(scan.scanned_at, place, now)
        except DomainError as error:
            outcomes.append(refused(error.code, _known(read, error)))
            continue
        outcomes.append(None)
        valid.append(Scan(ticket.registration_id, at, command.device_id))
    events: list[IntegrationEvent] = []
    applied = iter(await apply_scans(session, command.session_id, valid, events))
    await record_events(session, source, events)
    return [o if o is not None else next(applied) for o in outcomes]


def _known(read: SignedTicket, error: DomainError) -> UUID | None:
    """The registration a refused scan names, once its signature is known to be ours."""
    return None if isinstance(error, TicketInvalid) else read.ticket.registration_id


# A registration with what is shown of it: its session, its training, its person's name.
SEAT = (
    registrations.join(training_sessions, training_sessions.c.id == registrations.c.session_id)
    .join(trainings, trainings.c.id == registrations.c.training_id)
    .outerjoin(replica_people, replica_people.c.id == registrations.c.person_id)
)
SEAT_DETAILS = (
    training_sessions.c.code.label("session_code"),
    training_sessions.c.kabkota_code.label("session_kabkota"),
    training_sessions.c.venue,
    training_sessions.c.starts_at,
    training_sessions.c.timezone,
    trainings.c.title.label("training_title"),
    trainings.c.organiser,
    replica_people.c.full_name,
)


async def readable_seat(
    session: AsyncSession, principal: Principal, registration_id: UUID
) -> dict[str, Any]:
    """A registration with its details, for the staff of its session and the person
    themself; to anyone else it does not exist."""
    row = (
        (
            await session.execute(
                select(registrations, *SEAT_DETAILS)
                .select_from(SEAT)
                .where(registrations.c.id == registration_id)
            )
        )
        .mappings()
        .one_or_none()
    )
    if row is None or not rules.sees_registration(
        principal, row["session_kabkota"], row["person_id"]
    ):
        raise rules.registration_not_found()
    return dict(row)
