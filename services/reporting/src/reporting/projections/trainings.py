"""The trainings roll-up, kept from activities' training events: per training its province
(whose staff see it), per session where and when it is, per registration its status and its
earliest check-in.

Every row keeps the id of the last event that set it (`version`) and takes only newer ones,
so a redelivered or replayed event changes nothing. A check-in is the exception: activities
publishes it again when a late offline scan turns out earlier, so `checked_in_at` keeps the
least time seen, whatever the order, and leaves `version` to the status. A check-in that
arrives before its registration (a dead letter sent back late) makes a seat with the nil
version, which any status event then overrides. `ParticipantLinked` and certificates change
nothing the roll-up counts and are not followed.
"""

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from kombel_events.trainings import (
    ParticipantCancelled,
    ParticipantCheckedIn,
    ParticipantPromoted,
    ParticipantRegistered,
    ParticipantWaitlisted,
    SessionCancelled,
    SessionChanged,
    SessionScheduled,
    TrainingCancelled,
    TrainingChanged,
    TrainingScheduled,
)
from kombel_runtime.consumer import Handler, Received, Subscription
from kombel_runtime.projections import Projection, TableNames
from kombel_runtime.replicas import amend, apply_rows, upsert
from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.db.trainings_tables import (
    training_registrations_rm,
    training_sessions_rm,
    trainings_rm,
)

TRAININGS = trainings_rm.name
SESSIONS = training_sessions_rm.name
REGISTRATIONS = training_registrations_rm.name

_TRAINING = (("training_id", "uuid"), ("province_code", "text"), ("title", "text"))
_SESSION = (
    ("session_id", "uuid"),
    ("training_id", "uuid"),
    ("code", "text"),
    ("province_code", "text"),
    ("kabkota_code", "text"),
    ("venue", "text"),
    ("starts_at", "timestamptz"),
    ("ends_at", "timestamptz"),
    ("timezone", "text"),
    ("capacity", "int"),
)
_REGISTRATION = (
    ("registration_id", "uuid"),
    ("training_id", "uuid"),
    ("session_id", "uuid"),
    ("kabkota_code", "text"),
    ("status", "text"),
)
_CANCELLED_TRAINING = (("training_id", "uuid"), ("cancelled", "boolean"))
_CANCELLED_SESSION = (("session_id", "uuid"), ("cancelled", "boolean"))


@lru_cache(maxsize=16)
def _checked_in(table: str) -> TextClause:
    """Keep the earliest check-in of each registration of a JSON array."""
    if not table.replace("_", "").isalnum():
        raise ValueError(f"unsafe table name {table!r}")
    return text(
        f"""
        INSERT INTO {table} (
            registration_id, training_id, session_id, kabkota_code, status, checked_in_at,
            version
        )
        SELECT registration_id, training_id, session_id, kabkota_code, 'registered',
               min(checked_in_at), '00000000-0000-0000-0000-000000000000'
        FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS e(
            registration_id uuid, training_id uuid, session_id uuid, kabkota_code text,
            checked_in_at timestamptz
        )
        GROUP BY registration_id, training_id, session_id, kabkota_code
        ON CONFLICT (registration_id) DO UPDATE
        SET checked_in_at = LEAST({table}.checked_in_at, excluded.checked_in_at)
        WHERE {table}.checked_in_at IS NULL OR excluded.checked_in_at < {table}.checked_in_at
        """  # noqa: S608 (the identifier is checked, values are bound)
    )


def _handler(statement: TextClause, row: Callable[[Any], Mapping[str, Any]]) -> Handler:
    async def handle(session: AsyncSession, received: Sequence[Received[Any]]) -> None:
        await apply_rows(session, statement, received, row)

    return handle


def _columns(event: Any, columns: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {name: getattr(event, name) for name, _ in columns}


def _status(status: str) -> Callable[[Any], Mapping[str, Any]]:
    def row(event: Any) -> Mapping[str, Any]:
        return _columns(event, _REGISTRATION[:-1]) | {"status": status}

    return row


def subscriptions(tables: TableNames) -> list[Subscription]:
    trainings, sessions = tables[TRAININGS], tables[SESSIONS]
    registrations = tables[REGISTRATIONS]
    training = _handler(
        upsert(trainings, ("training_id",), _TRAINING), lambda e: _columns(e, _TRAINING)
    )
    session = _handler(upsert(sessions, ("session_id",), _SESSION), lambda e: _columns(e, _SESSION))
    seat = upsert(registrations, ("registration_id",), _REGISTRATION)
    return [
        Subscription(TrainingScheduled, training),
        Subscription(TrainingChanged, training),
        Subscription(
            TrainingCancelled,
            _handler(
                amend(trainings, ("training_id",), _CANCELLED_TRAINING),
                lambda e: {"training_id": e.training_id, "cancelled": True},
            ),
        ),
        Subscription(SessionScheduled, session),
        Subscription(SessionChanged, session),
        Subscription(
            SessionCancelled,
            _handler(
                amend(sessions, ("session_id",), _CANCELLED_SESSION),
                lambda e: {"session_id": e.session_id, "cancelled": True},
            ),
        ),
        Subscription(ParticipantRegistered, _handler(seat, _status("registered"))),
        Subscription(ParticipantPromoted, _handler(seat, _status("registered"))),
        Subscription(ParticipantWaitlisted, _handler(seat, _status("waitlisted"))),
        Subscription(ParticipantCancelled, _handler(seat, _status("cancelled"))),
        Subscription(
            ParticipantCheckedIn,
            _handler(
                _checked_in(registrations),
                lambda e: _columns(e, _REGISTRATION[:-1]) | {"checked_in_at": e.checked_in_at},
            ),
        ),
    ]


TRAININGS_PROJECTION = Projection(
    name="trainings",
    tables=(TRAININGS, SESSIONS, REGISTRATIONS),
    subscriptions=subscriptions,
)
