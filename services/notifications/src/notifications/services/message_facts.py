"""What a message says, read from the replicas when it is sent: its recipient, and the facts of
its rule (a seat and its session, a meeting, a community, an import).

Read at sending time, not when the message was planned, so a moved session shows its new time
and a renamed training its new title. None means the message has nothing left to say: the
recipient was erased, the seat was cancelled or changed its state since, the session or the
meeting is off. The dispatcher then drops the message.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from kombel_events.regions import TimeZone, regions
from kombel_events.trainings import RegistrationStatus
from kombel_runtime.local_time import Language, zone_of
from sqlalchemy import RowMapping, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.db.tables import (
    activities,
    communities,
    contacts,
    registrations,
    training_sessions,
    trainings,
)
from notifications.digests.facts import digest_facts

CANCELLED = "cancelled"
ARCHIVED = "archived"

REGISTERED = RegistrationStatus.REGISTERED.value
WAITLISTED = RegistrationStatus.WAITLISTED.value

# The state a seat must still be in for its rule's message to make sense; None: any state.
_SEAT_STATE: dict[str, str | None] = {
    "registration_confirmed": REGISTERED,
    "registration_promoted": REGISTERED,
    "registration_waitlisted": WAITLISTED,
    "registration_cancelled": None,
    "session_reminder_day_before": REGISTERED,
    "session_reminder_two_hours": REGISTERED,
    "session_thanks": REGISTERED,
    "session_no_show": REGISTERED,
}
# Rules about a seat that no longer make sense once the session or training is cancelled.
_ABOUT_A_LIVE_SESSION = frozenset(_SEAT_STATE) - {"registration_cancelled"}

_MEETING_RULES = frozenset({"meeting_reminder_day_before", "meeting_reminder_two_hours"})


# What a template reads besides the recipient and the links; None: nothing left to say.
Facts = dict[str, Any] | None


@dataclass(frozen=True)
class Recipient:
    name: str | None
    language: Language
    zone: TimeZone


async def _one(session: AsyncSession, query: Select[Any]) -> RowMapping | None:
    return (await session.execute(query)).mappings().one_or_none()


def region_name(kabkota_code: str | None) -> str | None:
    if not kabkota_code:
        return None
    region = regions().get(kabkota_code)
    return region.display_name if region else kabkota_code


async def recipient_of(session: AsyncSession, person_id: UUID) -> Recipient | None:
    """The person as a reader (name, language, zone); None when unknown or erased."""
    row = await _one(
        session,
        select(
            contacts.c.full_name,
            contacts.c.language,
            contacts.c.timezone,
            contacts.c.erased_at,
        ).where(contacts.c.person_id == person_id),
    )
    if row is None or row["erased_at"] is not None:
        return None
    return Recipient(row["full_name"], Language.of(row["language"]), zone_of(row["timezone"]))


def _id_of(message: Mapping[str, Any], name: str) -> UUID | None:
    """An id the message names: its own column first, then its context."""
    value = message.get(name) or (message.get("context") or {}).get(name)
    if value is None:
        return None
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        return None


async def _seat_facts(session: AsyncSession, rule: str, message: Mapping[str, Any]) -> Facts:
    registration_id = _id_of(message, "registration_id")
    if registration_id is None:
        return None
    s, t = training_sessions, trainings
    row = await _one(
        session,
        select(
            registrations.c.status,
            registrations.c.ticket,
            registrations.c.checked_in_at,
            s.c.code,
            s.c.venue,
            s.c.kabkota_code,
            s.c.starts_at,
            s.c.ends_at,
            s.c.timezone,
            s.c.status.label("session_status"),
            t.c.title,
            t.c.organiser,
            t.c.status.label("training_status"),
        )
        .join(s, s.c.id == registrations.c.session_id)
        .join(t, t.c.id == registrations.c.training_id)
        .where(registrations.c.id == registration_id),
    )
    if row is None:
        return None
    wanted = _SEAT_STATE[rule]
    if wanted is not None and row["status"] != wanted:
        return None
    called_off = CANCELLED in (row["session_status"], row["training_status"])
    if rule in _ABOUT_A_LIVE_SESSION and called_off:
        return None
    # A check-in recorded after the follow-ups were planned turns a no-show note into nothing.
    if rule == "session_thanks" and row["checked_in_at"] is None:
        return None
    if rule == "session_no_show" and row["checked_in_at"] is not None:
        return None
    context = message.get("context") or {}
    return {
        "registration_id": registration_id,
        "ticket_text": row["ticket"],
        "training": {"title": row["title"], "organiser": row["organiser"]},
        "session": {
            "code": row["code"],
            "venue": row["venue"],
            "place": region_name(row["kabkota_code"]),
            "starts_at": row["starts_at"],
            "ends_at": row["ends_at"],
            "timezone": zone_of(row["timezone"]),
        },
        "waitlist_position": context.get("waitlist_position") or context.get("position"),
        "reason": context.get("reason"),
    }


async def _community(session: AsyncSession, community_id: UUID) -> dict[str, Any] | None:
    row = await _one(
        session,
        select(communities.c.name, communities.c.kabkota_code, communities.c.status).where(
            communities.c.id == community_id
        ),
    )
    if row is None or row["status"] == ARCHIVED:
        return None
    return {"name": row["name"], "place": region_name(row["kabkota_code"])}


async def _meeting_facts(session: AsyncSession, message: Mapping[str, Any]) -> Facts:
    activity_id = _id_of(message, "activity_id")
    if activity_id is None:
        return None
    row = await _one(session, select(activities).where(activities.c.id == activity_id))
    if row is None or row["deleted"]:
        return None
    community = await _community(session, row["community_id"])
    if community is None:
        return None
    return {
        "community": community,
        "meeting": {
            "title": row["title"],
            "starts_at": row["starts_at"],
            "timezone": zone_of(row["timezone"]),
        },
    }


async def _welcome_facts(session: AsyncSession, message: Mapping[str, Any]) -> Facts:
    community_id = _id_of(message, "community_id")
    if community_id is None:
        return None
    community = await _community(session, community_id)
    return None if community is None else {"community": community}


_IMPORT_FIELDS = (
    "import_id",
    "service",
    "kind",
    "status",
    "dry_run",
    "filename",
    "created",
    "updated",
    "duplicates",
    "rejected",
)
_COUNTS = ("created", "updated", "duplicates", "rejected")


def _import_facts(message: Mapping[str, Any]) -> Facts:
    context = message.get("context") or {}
    if not context.get("import_id") or not context.get("service"):
        return None
    job = {name: context.get(name) for name in _IMPORT_FIELDS}
    job.update({name: int(context.get(name) or 0) for name in _COUNTS})
    job["dry_run"] = bool(job["dry_run"])
    return {"job": job}


async def facts_of(session: AsyncSession, message: Mapping[str, Any]) -> Facts:
    """The facts a `messages` row's template reads; None when there is nothing left to say."""
    rule = message["rule"]
    if rule in _SEAT_STATE:
        return await _seat_facts(session, rule, message)
    if rule in _MEETING_RULES:
        return await _meeting_facts(session, message)
    if rule == "community_welcome":
        return await _welcome_facts(session, message)
    if rule == "import_finished":
        return _import_facts(message)
    if rule == "weekly_digest":
        return digest_facts(message)
    return None
