"""What notifications keeps of other services' data, from their events: contacts (membership's
people), trainings, their sessions and registrations (activities' bimtek), communities, their
members and their meetings.

Each replica is a table and the handlers that keep it, nothing more: planning messages from
the same events is the live consumer's work (`notifications.consumers`), so a rebuild with
`kombel replay notifications <replica>` refills a table without planning anything twice.
Every row keeps the id of the last event applied (`version`): a redelivered, replayed or
older event changes nothing. An erased person, a member who left, a deleted meeting stay as
rows (tombstones), so no older event brings them back.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kombel_events import IntegrationEvent
from kombel_events.activities import ActivityChanged, ActivityDeleted, ActivityLogged
from kombel_events.membership import (
    CommunityArchived,
    CommunityRegistered,
    CommunityUpdated,
    MemberJoined,
    MemberLeft,
    PersonErased,
    PersonMerged,
    PersonRegistered,
    PersonUpdated,
)
from kombel_events.regions import TimeZone, regions
from kombel_events.trainings import (
    ParticipantCancelled,
    ParticipantCheckedIn,
    ParticipantLinked,
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
from kombel_runtime.replicas import Replica, amend, apply_rows, upsert
from sqlalchemy import TextClause
from sqlalchemy.ext.asyncio import AsyncSession

Columns = tuple[tuple[str, str], ...]

_CONTACT: Columns = (
    ("person_id", "uuid"),
    ("full_name", "text"),
    ("email", "text"),
    ("phone", "text"),
    ("province_code", "text"),
    ("kabkota_code", "text"),
    ("timezone", "text"),
    ("erased_at", "timestamptz"),
    ("merged_into", "uuid"),
)
_TRAINING: Columns = (
    ("id", "uuid"),
    ("title", "text"),
    ("organiser", "text"),
    ("province_code", "text"),
    ("status", "text"),
)
_SESSION: Columns = (
    ("id", "uuid"),
    ("training_id", "uuid"),
    ("code", "text"),
    ("kabkota_code", "text"),
    ("venue", "text"),
    ("starts_at", "timestamptz"),
    ("ends_at", "timestamptz"),
    ("timezone", "text"),
    ("status", "text"),
)
_REGISTRATION: Columns = (
    ("id", "uuid"),
    ("training_id", "uuid"),
    ("session_id", "uuid"),
    ("person_id", "uuid"),
    ("status", "text"),
    ("ticket", "text"),
)
_COMMUNITY: Columns = (
    ("id", "uuid"),
    ("name", "text"),
    ("kabkota_code", "text"),
    ("status", "text"),
)
_MEMBER: Columns = (("community_id", "uuid"), ("person_id", "uuid"), ("left_on", "date"))
_ACTIVITY: Columns = (
    ("id", "uuid"),
    ("community_id", "uuid"),
    ("title", "text"),
    ("starts_at", "timestamptz"),
    ("timezone", "text"),
    ("deleted", "boolean"),
)


def _only(columns: Columns, *names: str) -> Columns:
    return tuple(c for c in columns if c[0] in names)


def _handler(statement: TextClause, row: Callable[[Any], Mapping[str, Any]]) -> Handler:
    async def handle(session: AsyncSession, received: Sequence[Received[Any]]) -> None:
        await apply_rows(session, statement, received, row)

    return handle


def zone_of(kabkota_code: str) -> TimeZone:
    """The zone people of a kabupaten/kota read times in (WIB when the code is unknown)."""
    region = regions().get(kabkota_code)
    return region.timezone if region is not None else TimeZone.WIB


def _contact(e: PersonRegistered | PersonUpdated) -> dict[str, Any]:
    return {
        "person_id": e.person_id,
        "full_name": e.full_name,
        "email": e.email,
        "phone": e.phone,
        "province_code": e.province_code,
        "kabkota_code": e.kabkota_code,
        "timezone": zone_of(e.kabkota_code).value,
        "erased_at": None,
        "merged_into": None,
    }


def _contacts(table: str) -> list[Subscription]:
    write = _handler(upsert(table, ("person_id",), _CONTACT), _contact)
    # Membership moves a duplicate's addresses to the person it is merged into.
    merged = _handler(
        amend(table, ("person_id",), _only(_CONTACT, "person_id", "email", "phone", "merged_into")),
        lambda e: {
            "person_id": e.person_id,
            "email": None,
            "phone": None,
            "merged_into": e.into_person_id,
        },
    )
    erased = _handler(
        upsert(table, ("person_id",), _CONTACT),
        lambda e: (
            {name: None for name, _ in _CONTACT}
            | {"person_id": e.person_id, "timezone": TimeZone.WIB.value, "erased_at": e.erased_at}
        ),
    )
    return [
        Subscription(PersonRegistered, write),
        Subscription(PersonUpdated, write),
        Subscription(PersonMerged, merged),
        Subscription(PersonErased, erased),
    ]


def _kept(
    table: str,
    columns: Columns,
    id_field: str,
    state: Callable[[Any], Mapping[str, Any]],
    written_by: Sequence[type[IntegrationEvent]],
    ended_by: type[IntegrationEvent],
    ended: Mapping[str, Any],
) -> list[Subscription]:
    """A record whose events carry its whole state, until one event ends it (cancelled,
    archived, deleted), which changes only the columns `ended` names. The events name the
    record by `id_field` (`training_id`, …); the table by `id`."""
    write = _handler(upsert(table, ("id",), columns), state)
    end = _handler(
        amend(table, ("id",), _only(columns, "id", *ended)),
        lambda e: {"id": getattr(e, id_field), **ended},
    )
    return [*(Subscription(event, write) for event in written_by), Subscription(ended_by, end)]


def _trainings(table: str) -> list[Subscription]:
    return _kept(
        table,
        _TRAINING,
        "training_id",
        lambda e: {
            "id": e.training_id,
            "title": e.title,
            "organiser": e.organiser,
            "province_code": e.province_code,
            "status": "scheduled",
        },
        (TrainingScheduled, TrainingChanged),
        TrainingCancelled,
        {"status": "cancelled"},
    )


def _sessions(table: str) -> list[Subscription]:
    return _kept(
        table,
        _SESSION,
        "session_id",
        lambda e: {
            "id": e.session_id,
            "training_id": e.training_id,
            "code": e.code,
            "kabkota_code": e.kabkota_code,
            "venue": e.venue,
            "starts_at": e.starts_at,
            "ends_at": e.ends_at,
            "timezone": e.timezone,
            "status": "scheduled",
        },
        (SessionScheduled, SessionChanged),
        SessionCancelled,
        {"status": "cancelled"},
    )


def _registration(status: str) -> Callable[[Any], dict[str, Any]]:
    def row(e: Any) -> dict[str, Any]:
        return {
            "id": e.registration_id,
            "training_id": e.training_id,
            "session_id": e.session_id,
            "person_id": e.person_id,
            "status": status,
            "ticket": getattr(e, "ticket", None),
        }

    return row


def _registrations(table: str) -> list[Subscription]:
    key = ("id",)
    # A whole registration: the events that seat someone or put them on the waitlist carry
    # everything but the check-in, which stays as it was.
    seated = _handler(upsert(table, key, _REGISTRATION), _registration("registered"))
    waitlisted = _handler(upsert(table, key, _REGISTRATION), _registration("waitlisted"))
    cancelled = _handler(
        amend(table, key, _only(_REGISTRATION, "id", "status")),
        lambda e: {"id": e.registration_id, "status": "cancelled"},
    )
    linked = _handler(
        amend(table, key, _only(_REGISTRATION, "id", "person_id")),
        lambda e: {"id": e.registration_id, "person_id": e.person_id},
    )
    checked_in = _handler(
        amend(table, key, (("id", "uuid"), ("checked_in_at", "timestamptz"))),
        lambda e: {"id": e.registration_id, "checked_in_at": e.checked_in_at},
    )
    return [
        Subscription(ParticipantRegistered, seated),
        Subscription(ParticipantPromoted, seated),
        Subscription(ParticipantWaitlisted, waitlisted),
        Subscription(ParticipantCancelled, cancelled),
        Subscription(ParticipantLinked, linked),
        Subscription(ParticipantCheckedIn, checked_in),
    ]


def _communities(table: str) -> list[Subscription]:
    return _kept(
        table,
        _COMMUNITY,
        "community_id",
        lambda e: {
            "id": e.community_id,
            "name": e.name,
            "kabkota_code": e.kabkota_code,
            "status": "active",
        },
        (CommunityRegistered, CommunityUpdated),
        CommunityArchived,
        {"status": "archived"},
    )


def _members(table: str) -> list[Subscription]:
    key = ("community_id", "person_id")
    joined = _handler(
        upsert(table, key, _MEMBER),
        lambda e: {"community_id": e.community_id, "person_id": e.person_id, "left_on": None},
    )
    left = _handler(
        amend(table, key, _MEMBER),
        lambda e: {"community_id": e.community_id, "person_id": e.person_id, "left_on": e.until},
    )
    return [Subscription(MemberJoined, joined), Subscription(MemberLeft, left)]


def _activities(table: str) -> list[Subscription]:
    return _kept(
        table,
        _ACTIVITY,
        "activity_id",
        lambda e: {
            "id": e.activity_id,
            "community_id": e.community_id,
            "title": e.title,
            "starts_at": e.starts_at,
            "timezone": e.timezone,
            "deleted": False,
        },
        (ActivityLogged, ActivityChanged),
        ActivityDeleted,
        {"deleted": True},
    )


REPLICAS = (
    Replica("contacts", "contacts", _contacts),
    Replica("trainings", "trainings", _trainings),
    Replica("training_sessions", "training_sessions", _sessions),
    Replica("registrations", "registrations", _registrations),
    Replica("communities", "communities", _communities),
    Replica("community_members", "community_members", _members),
    Replica("activities", "activities", _activities),
)


def replica_handlers() -> dict[type[IntegrationEvent], list[Handler]]:
    """Every replica's handlers on its live table, by event type (one event may keep more
    than one replica)."""
    found: dict[type[IntegrationEvent], list[Handler]] = {}
    for replica in REPLICAS:
        for subscription in replica.subscriptions(replica.table):
            found.setdefault(subscription.event, []).append(subscription.handler)
    return found
