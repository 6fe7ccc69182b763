"""What becomes of planned messages when what they are about changes: a moved session or
meeting moves its reminders, a cancelled one drops them, a merged person's messages go to the
person they were merged into, an erased person's are cancelled and wiped.

Only messages not yet handed to a provider change: `scheduled` and `queued` ones (a message
`sending` is in the dispatcher's hands). A dropped message is `cancelled`, with the reason as a
code in `failure_reason`.
"""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from kombel_events.regions import TimeZone
from kombel_runtime.parameters import one_of
from sqlalchemy import Text, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.db.tables import activities, contacts, messages, training_sessions
from notifications.rules import (
    FOLLOW_UPS,
    MEETING_REMINDERS,
    REGISTRATION_CANCELLED,
    SESSION_REMINDERS,
    Anchor,
    Rule,
)

PENDING = ("scheduled", "queued")
NOT_SENT = (*PENDING, "sending")

Scope = Literal["session_id", "activity_id"]


def _moved(scope: Scope) -> Any:
    """Set the new instant (or drop, when it has passed) of a scope's scheduled messages of
    one rule; untouched where nothing changes."""
    return text(
        f"""
        UPDATE messages m SET
            status = CASE WHEN v.due_at IS NULL THEN 'cancelled' ELSE m.status END,
            failure_reason = CASE WHEN v.due_at IS NULL THEN 'past_due' ELSE m.failure_reason END,
            due_at = coalesce(v.due_at, m.due_at),
            next_attempt_at = coalesce(v.due_at, m.next_attempt_at),
            expires_at = v.expires_at,
            updated_at = now()
        FROM jsonb_to_recordset(CAST(:rows AS jsonb))
            AS v(scope uuid, rule text, due_at timestamptz, expires_at timestamptz)
        WHERE m.{scope} = v.scope AND m.rule = v.rule AND m.status = 'scheduled'
          AND (m.due_at IS DISTINCT FROM v.due_at OR m.expires_at IS DISTINCT FROM v.expires_at)
        """  # noqa: S608 (the scope is one of two column names)
    )


_MOVES = {scope: _moved(scope) for scope in ("session_id", "activity_id")}


def _instants(
    scope: UUID, rules: Sequence[Rule], anchors: dict[Anchor, datetime], zone: str, now: datetime
) -> list[dict[str, Any]]:
    return [
        {
            "scope": scope,
            "rule": rule.name,
            "due_at": rule.schedule.due(anchors[rule.schedule.anchor], TimeZone(zone), now),
            "expires_at": anchors[rule.expires] if rule.expires is not None else None,
        }
        for rule in rules
    ]


async def move_sessions(session: AsyncSession, session_ids: Sequence[UUID], now: datetime) -> int:
    """The sessions' reminders and follow-ups follow their (new) times; how many moved."""
    found = await session.execute(
        select(
            training_sessions.c.id,
            training_sessions.c.starts_at,
            training_sessions.c.ends_at,
            training_sessions.c.timezone,
        ).where(
            one_of(training_sessions.c.id, session_ids), training_sessions.c.status == "scheduled"
        )
    )
    rows = [
        change
        for s in found.mappings()
        for change in _instants(
            s["id"],
            (*SESSION_REMINDERS, *FOLLOW_UPS),
            {Anchor.SESSION_START: s["starts_at"], Anchor.SESSION_END: s["ends_at"]},
            s["timezone"],
            now,
        )
    ]
    return await _move(session, "session_id", rows)


async def move_meetings(session: AsyncSession, activity_ids: Sequence[UUID], now: datetime) -> int:
    found = await session.execute(
        select(activities.c.id, activities.c.starts_at, activities.c.timezone).where(
            one_of(activities.c.id, activity_ids), ~activities.c.deleted
        )
    )
    rows = [
        change
        for a in found.mappings()
        for change in _instants(
            a["id"],
            MEETING_REMINDERS,
            {Anchor.MEETING_START: a["starts_at"]},
            a["timezone"],
            now,
        )
    ]
    return await _move(session, "activity_id", rows)


async def _move(session: AsyncSession, scope: Scope, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    result = await session.execute(_MOVES[scope], {"rows": json.dumps(rows, default=str)})
    return int(result.rowcount)  # type: ignore[attr-defined]


# Dropping

_SCOPES = {
    "training_id": messages.c.training_id,
    "session_id": messages.c.session_id,
    "registration_id": messages.c.registration_id,
    "activity_id": messages.c.activity_id,
}


async def drop(
    session: AsyncSession,
    scope: Literal["training_id", "session_id", "registration_id", "activity_id"],
    ids: Sequence[UUID],
    reason: str,
) -> int:
    """Cancel what is still to be sent about these trainings, sessions, registrations or
    meetings; a cancellation notice itself stays."""
    result = await session.execute(
        update(messages)
        .where(
            one_of(_SCOPES[scope], ids),
            messages.c.status.in_(PENDING),
            messages.c.rule != REGISTRATION_CANCELLED.name,
        )
        .values(status="cancelled", failure_reason=reason, updated_at=text("now()"))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def drop_meetings_of(
    session: AsyncSession, members: Sequence[tuple[UUID, UUID]], reason: str
) -> int:
    """Cancel the meeting reminders of these (community, person) members."""
    if not members:
        return 0
    result = await session.execute(
        text(
            """
            UPDATE messages m SET status = 'cancelled', failure_reason = :reason,
                                  updated_at = now()
            FROM activities a, unnest(CAST(:communities AS uuid[]), CAST(:people AS uuid[]))
                 AS v(community_id, person_id)
            WHERE m.activity_id = a.id AND a.community_id = v.community_id
              AND m.person_id = v.person_id AND m.status IN ('scheduled', 'queued')
            """
        ),
        {
            "communities": [str(c) for c, _ in members],
            "people": [str(p) for _, p in members],
            "reason": reason,
        },
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def drop_meetings_of_communities(
    session: AsyncSession, community_ids: Sequence[UUID], reason: str
) -> int:
    ids = select(activities.c.id).where(one_of(activities.c.community_id, community_ids))
    return await drop(session, "activity_id", list((await session.execute(ids)).scalars()), reason)


# People

_MOVE_TO_KEEPER = text(
    """
    UPDATE messages m SET person_id = k.person_id, updated_at = now()
    FROM contacts k
    WHERE k.person_id = :keeper AND k.erased_at IS NULL
      AND m.person_id = :duplicate AND m.status IN ('scheduled', 'queued')
      AND (m.channel = 'inbox'
           OR (m.channel = 'email' AND k.email IS NOT NULL)
           OR (m.channel IN ('whatsapp', 'sms') AND k.phone IS NOT NULL))
      AND NOT EXISTS (
          SELECT 1 FROM messages o
          WHERE o.event_key = m.event_key AND o.person_id = k.person_id
            AND o.channel = m.channel)
    """
)


async def move_to_keeper(session: AsyncSession, merges: Sequence[tuple[UUID, UUID]]) -> None:
    """A merged duplicate's messages not yet sent go to the person kept, on the channels that
    person can be reached on and unless they already have the same message; the rest are
    dropped. One merge at a time: two duplicates of one person must not both move a message
    the keeper lacks."""
    for duplicate, keeper in merges:
        await session.execute(_MOVE_TO_KEEPER, {"duplicate": duplicate, "keeper": keeper})
        await session.execute(
            update(messages)
            .where(messages.c.person_id == duplicate, messages.c.status.in_(PENDING))
            .values(status="cancelled", failure_reason="person_merged", updated_at=text("now()"))
        )


_FORGET_STATUS_DETAILS = text(
    """
    UPDATE message_statuses s SET detail = NULL
    FROM messages m
    WHERE s.message_id = m.id AND m.person_id = ANY(:people) AND s.detail IS NOT NULL
    """
).bindparams(bindparam("people", type_=ARRAY(PG_UUID(as_uuid=True))))
_FORGET_DEV_OUTBOX = text("DELETE FROM dev_outbox WHERE recipient = ANY(:addresses)").bindparams(
    bindparam("addresses", type_=ARRAY(Text))
)


async def addresses_of(session: AsyncSession, person_ids: Sequence[UUID]) -> list[str]:
    """The people's email addresses and phone numbers as the replica holds them (read before
    an erasure wipes them, to find what was sent to them)."""
    found = await session.execute(
        select(contacts.c.email, contacts.c.phone).where(one_of(contacts.c.person_id, person_ids))
    )
    return [value for row in found for value in row if value]


async def forget_messages(
    session: AsyncSession, person_ids: Sequence[UUID], addresses: Sequence[str]
) -> None:
    """An erased person's messages not yet sent are cancelled, and no text of any of their
    messages is kept: subject, body, context, provider details, and what the dev outbox
    caught for their addresses."""
    await session.execute(
        update(messages)
        .where(one_of(messages.c.person_id, person_ids), messages.c.status.in_(NOT_SENT))
        .values(status="cancelled", failure_reason="person_erased")
    )
    await session.execute(
        update(messages)
        .where(one_of(messages.c.person_id, person_ids))
        .values(subject=None, body=None, context={}, updated_at=text("now()"))
    )
    await session.execute(_FORGET_STATUS_DETAILS, {"people": list(person_ids)})
    if addresses:
        await session.execute(_FORGET_DEV_OUTBOX, {"addresses": list(addresses)})
