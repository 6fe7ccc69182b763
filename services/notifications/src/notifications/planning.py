"""Planning: the rules' messages become `messages` rows, once.

Whatever plans a message (a consumed event, the sweep of ended sessions, the catch-up below)
builds `Planned` values and hands them to `plan`, one statement per batch: a row per channel
the recipient has an address for (the inbox always), `ON CONFLICT DO NOTHING` on
`(event_key, person_id, channel)`, so a replayed event, a second path to the same message or
two replicas at once plan nothing new. Only people with a contact that is not erased get
messages; a merged duplicate's go to the person it was merged into.

Immediate messages are `queued`; reminders and follow-ups are `scheduled` with their UTC
instant, and wait in the table (they survive restarts) until the dispatcher claims them.
"""

import asyncio
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from kombel_events.regions import TimeZone
from kombel_runtime.backoff import sleep_unless_stopped
from kombel_runtime.ids import uuid7
from kombel_runtime.parameters import one_of
from kombel_runtime.service import ServiceRuntime
from sqlalchemy import ColumnElement, and_, exists, or_, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.db.tables import (
    activities,
    communities,
    community_members,
    contacts,
    messages,
    registrations,
    training_sessions,
)
from notifications.rules import (
    ANSWERS,
    MEETING_REMINDERS,
    REGISTRATION_CONFIRMED,
    REGISTRATION_WAITLISTED,
    SESSION_REMINDERS,
    Anchor,
    Rule,
)

log = logging.getLogger(__name__)

# How often a replica looks for registrations no event could answer yet (see `catch_up`).
CATCH_UP_EVERY_S = 60.0


@dataclass(frozen=True)
class Planned:
    """One message of a rule to one person, on each of the rule's channels they can read."""

    rule: Rule
    event_key: str
    person_id: UUID
    due_at: datetime
    expires_at: datetime | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    training_id: UUID | None = None
    session_id: UUID | None = None
    registration_id: UUID | None = None
    activity_id: UUID | None = None


# The recipient is the contact, or the person a duplicate was merged into. Their contact
# rows are locked (shared, in the order the replica's upserts take them) so an erasure waits
# for this plan and then cancels what it made, or this plan waits for the erasure and finds
# no one.
_PLAN = text(
    """
    INSERT INTO messages (id, event_key, person_id, channel, rule, transactional, context,
                          training_id, session_id, registration_id, activity_id,
                          status, due_at, next_attempt_at, expires_at)
    SELECT t.id, t.event_key, t.recipient, t.channel, t.rule, t.transactional, t.context,
           t.training_id, t.session_id, t.registration_id, t.activity_id,
           t.status, t.due_at, t.due_at, t.expires_at
    FROM (
        SELECT w.*,
               CASE WHEN c.merged_into IS NULL THEN c.person_id ELSE k.person_id END
                   AS recipient,
               CASE WHEN c.merged_into IS NULL THEN c.email ELSE k.email END AS email,
               CASE WHEN c.merged_into IS NULL THEN c.phone ELSE k.phone END AS phone
        FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS w(
            id uuid, event_key text, person_id uuid, channel text, rule text,
            transactional boolean, context jsonb, training_id uuid, session_id uuid,
            registration_id uuid, activity_id uuid, status text, due_at timestamptz,
            expires_at timestamptz)
        JOIN contacts c ON c.person_id = w.person_id AND c.erased_at IS NULL
        LEFT JOIN contacts k ON k.person_id = c.merged_into AND k.erased_at IS NULL
        ORDER BY c.person_id
        FOR SHARE OF c
    ) AS t
    WHERE t.recipient IS NOT NULL
      AND (t.channel = 'inbox'
           OR (t.channel = 'email' AND t.email IS NOT NULL)
           OR (t.channel IN ('whatsapp', 'sms') AND t.phone IS NOT NULL))
    ORDER BY t.recipient, t.event_key, t.channel
    ON CONFLICT (event_key, person_id, channel) DO NOTHING
    """
)


def _rows(planned: Iterable[Planned]) -> list[dict[str, Any]]:
    return [
        {
            "id": uuid7(),
            "event_key": p.event_key,
            "person_id": p.person_id,
            "channel": channel.value,
            "rule": p.rule.name,
            "transactional": p.rule.transactional,
            "context": dict(p.context),
            "training_id": p.training_id,
            "session_id": p.session_id,
            "registration_id": p.registration_id,
            "activity_id": p.activity_id,
            "status": "queued" if p.rule.schedule.immediate else "scheduled",
            "due_at": p.due_at,
            "expires_at": p.expires_at,
        }
        for p in planned
        for channel in p.rule.channels
    ]


async def plan(session: AsyncSession, planned: Sequence[Planned]) -> int:
    """Insert the planned messages that are not there yet; how many rows went in."""
    if not planned:
        return 0
    result = await session.execute(_PLAN, {"rows": json.dumps(_rows(planned), default=str)})
    return int(result.rowcount)  # type: ignore[attr-defined]


# Registrations


@dataclass(frozen=True)
class Seat:
    """A registration with what its messages are reckoned from."""

    registration_id: UUID
    training_id: UUID
    session_id: UUID
    person_id: UUID
    status: str
    checked_in_at: datetime | None
    session_status: str
    starts_at: datetime
    ends_at: datetime
    timezone: str


def _anchor_at(anchor: Anchor, seat: Seat) -> datetime | None:
    if anchor is Anchor.SESSION_START:
        return seat.starts_at
    if anchor is Anchor.SESSION_END:
        return seat.ends_at
    return None


def seat_messages(
    seat: Seat,
    rules: Iterable[Rule],
    now: datetime,
    context: Mapping[str, Any] | None = None,
) -> list[Planned]:
    """The messages of the rules that fit the registration's status, now: nothing about a
    session that is cancelled (but the cancellation itself), nothing whose time is past."""
    found = []
    for rule in rules:
        if rule.status != seat.status:
            continue
        if rule.status != "cancelled" and seat.session_status != "scheduled":
            continue
        due = rule.schedule.due(
            _anchor_at(rule.schedule.anchor, seat), TimeZone(seat.timezone), now
        )
        expires = _anchor_at(rule.expires, seat) if rule.expires is not None else None
        if due is None or (expires is not None and expires <= now):
            continue
        found.append(
            Planned(
                rule=rule,
                event_key=rule.event_key(registration_id=seat.registration_id),
                person_id=seat.person_id,
                due_at=due,
                expires_at=expires,
                context=context or {},
                training_id=seat.training_id,
                session_id=seat.session_id,
                registration_id=seat.registration_id,
            )
        )
    return found


_SEATS = select(
    registrations.c.id.label("registration_id"),
    registrations.c.training_id,
    registrations.c.session_id,
    registrations.c.person_id,
    registrations.c.status,
    registrations.c.checked_in_at,
    training_sessions.c.status.label("session_status"),
    training_sessions.c.starts_at,
    training_sessions.c.ends_at,
    training_sessions.c.timezone,
).join(training_sessions, training_sessions.c.id == registrations.c.session_id)


async def seats(session: AsyncSession, *where: ColumnElement[bool]) -> list[Seat]:
    """Registrations that name their person, with their sessions."""
    query = _SEATS.where(registrations.c.person_id.is_not(None), *where)
    return [Seat(**row) for row in (await session.execute(query)).mappings()]


async def plan_seats(
    session: AsyncSession,
    where: ColumnElement[bool],
    rules: Sequence[Rule],
    now: datetime,
    context: Callable[[UUID], Mapping[str, Any]] | None = None,
) -> int:
    """Plan the rules for the registrations `where` selects (`context` gives each one's)."""
    found = await seats(session, where)
    planned = [
        p
        for seat in found
        for p in seat_messages(
            seat, rules, now, context(seat.registration_id) if context is not None else None
        )
    ]
    return await plan(session, planned)


# Registrations no event could answer yet: the person's contact arrived after the
# registration (membership's and activities' topics keep no order between them), or arrived
# while the registration was being planned. Their answer and reminders are planned once the
# contact is there; the rules' keys make this the same message the event would have planned.
def _unanswered(now: datetime) -> ColumnElement[bool]:
    answered = exists().where(
        messages.c.registration_id == registrations.c.id,
        messages.c.rule.in_([rule.name for rule in ANSWERS]),
    )
    known = exists().where(
        contacts.c.person_id == registrations.c.person_id, contacts.c.erased_at.is_(None)
    )
    return and_(
        registrations.c.status.in_(["registered", "waitlisted"]),
        training_sessions.c.status == "scheduled",
        training_sessions.c.starts_at > now,
        known,
        ~answered,
    )


CATCH_UP_RULES = (REGISTRATION_CONFIRMED, REGISTRATION_WAITLISTED, *SESSION_REMINDERS)


async def catch_up(
    session: AsyncSession, now: datetime, person_ids: Sequence[UUID] | None = None
) -> int:
    """Answer the registrations (of these people, or everyone's) that have none yet."""
    where = _unanswered(now)
    if person_ids is not None:
        where = and_(where, one_of(registrations.c.person_id, person_ids))
    return await plan_seats(session, where, CATCH_UP_RULES, now)


async def catch_up_worker(runtime: ServiceRuntime, stopping: asyncio.Event) -> None:
    """Now and then, what the consumers could not plan for want of a contact."""
    while not stopping.is_set():
        async with runtime.sessions() as session, session.begin():
            planned = await catch_up(session, datetime.now(UTC))
        if planned:
            log.info("unanswered registrations caught up", extra={"messages": planned})
        await sleep_unless_stopped(stopping, CATCH_UP_EVERY_S)


# Community meetings


@dataclass(frozen=True)
class Attendee:
    """A member expected at a community's scheduled meeting."""

    activity_id: UUID
    community_id: UUID
    person_id: UUID
    starts_at: datetime
    timezone: str


def meeting_messages(attendee: Attendee, rules: Iterable[Rule], now: datetime) -> list[Planned]:
    found = []
    for rule in rules:
        due = rule.schedule.due(attendee.starts_at, TimeZone(attendee.timezone), now)
        if due is None:
            continue
        found.append(
            Planned(
                rule=rule,
                event_key=rule.event_key(
                    activity_id=attendee.activity_id, person_id=attendee.person_id
                ),
                person_id=attendee.person_id,
                due_at=due,
                expires_at=attendee.starts_at,
                context={"community_id": str(attendee.community_id)},
                activity_id=attendee.activity_id,
            )
        )
    return found


def members_of(
    activity_ids: Sequence[UUID] = (), members: Sequence[tuple[UUID, UUID]] = ()
) -> ColumnElement[bool]:
    """The meetings to plan: these activities' (for all their members), or those of these
    (community, person) members."""
    return or_(
        one_of(activities.c.id, activity_ids),
        tuple_(community_members.c.community_id, community_members.c.person_id).in_(members),
    )


async def plan_meetings(session: AsyncSession, where: ColumnElement[bool], now: datetime) -> int:
    """Reminders of the scheduled meetings `where` selects, for each current member."""
    query = (
        select(
            activities.c.id.label("activity_id"),
            activities.c.community_id,
            community_members.c.person_id,
            activities.c.starts_at,
            activities.c.timezone,
        )
        .join(community_members, community_members.c.community_id == activities.c.community_id)
        .outerjoin(communities, communities.c.id == activities.c.community_id)
        .where(
            where,
            ~activities.c.deleted,
            activities.c.starts_at > now,
            or_(communities.c.status.is_(None), communities.c.status == "active"),
            community_members.c.left_on.is_(None),
        )
    )
    found = [Attendee(**row) for row in (await session.execute(query)).mappings()]
    return await plan(
        session, [p for a in found for p in meeting_messages(a, MEETING_REMINDERS, now)]
    )


def at_once(
    rule: Rule, person_id: UUID, now: datetime, context: Mapping[str, Any], **ids: object
) -> Planned:
    """A message of a rule due at once, keyed by the ids its rule's key names."""
    return Planned(
        rule=rule,
        event_key=rule.event_key(**ids, person_id=person_id),
        person_id=person_id,
        due_at=now,
        context=context,
    )
