"""The rule table: which event plans which message, for whom, on which channels, whether it is
transactional, and when it is due.

A rule's name is also the name of its template (`notifications.templates`), so the two are
spelled once. `notifications.planning` carries the rules out: it asks this table what an event
plans and builds the `messages` rows; nothing else decides who hears of what.

Times are reckoned on the place's wall clock (the session's or the community's zone): "the day
before" is the same local time one calendar day earlier. Indonesia keeps no daylight saving,
so this is also 24 hours earlier, but the reckoning stays right wherever it is not.

Event keys: a message about one registration is keyed by the registration and the rule, not by
the event that planned it, because three paths may plan it (the registration's event, the
saga's `ParticipantLinked`, and a contact that arrives after the registration): the unique
`(event_key, person_id, channel)` then makes them one message whichever comes first.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from kombel_events import IntegrationEvent
from kombel_events.activities import ActivityChanged, ActivityLogged
from kombel_events.imports import ImportFinished
from kombel_events.membership import MemberJoined
from kombel_events.notifications import Channel
from kombel_events.regions import TimeZone
from kombel_events.reporting import WeeklyDigestCompiled
from kombel_events.trainings import (
    ParticipantCancelled,
    ParticipantLinked,
    ParticipantPromoted,
    ParticipantRegistered,
    ParticipantWaitlisted,
    SessionChanged,
)


class Anchor(StrEnum):
    """What a message's instant is reckoned from."""

    NOW = "now"  # at once: the message is queued
    SESSION_START = "session_start"
    SESSION_END = "session_end"
    MEETING_START = "meeting_start"


class Recipients(StrEnum):
    PARTICIPANT = "participant"  # the registration's person
    ATTENDED = "attended"  # a seated participant who checked in
    ABSENT = "absent"  # a seated participant who did not
    MEMBERS = "members"  # each current member of the meeting's community
    NEW_MEMBER = "new_member"  # the person who joined
    UPLOADER = "uploader"  # the person who uploaded the import
    SUBSCRIBERS = "subscribers"  # staff subscribed to their area's weekly digest


@dataclass(frozen=True)
class Schedule:
    anchor: Anchor
    offset: timedelta = timedelta(0)  # negative: before the anchor

    @property
    def immediate(self) -> bool:
        return self.anchor is Anchor.NOW

    def instant(self, anchor_at: datetime, zone: TimeZone) -> datetime:
        """The UTC instant `offset` away from `anchor_at` on the place's wall clock."""
        local = anchor_at.astimezone(ZoneInfo(zone.iana))
        return (local + self.offset).astimezone(UTC)

    def due(self, anchor_at: datetime | None, zone: TimeZone, now: datetime) -> datetime | None:
        """When the message is due, or None when it is not worth planning: a reminder whose
        instant has passed is not sent late (the confirmation, sent now, already gives the
        time); a follow-up whose instant has passed is due at once."""
        if self.immediate or anchor_at is None:
            return now
        at = self.instant(anchor_at, zone)
        if self.offset < timedelta(0):
            return at if at > now else None
        return max(at, now)


AT_ONCE = Schedule(Anchor.NOW)
DAY_BEFORE = timedelta(days=-1)
TWO_HOURS_BEFORE = timedelta(hours=-2)
# The sweep of ended sessions plans their follow-ups an hour after the end, so check-ins
# recorded at the door and sent in an offline batch shortly after count.
AFTER_THE_SESSION = timedelta(hours=1)

EVERYWHERE = (Channel.EMAIL, Channel.WHATSAPP, Channel.INBOX)
QUIETLY = (Channel.EMAIL, Channel.INBOX)


@dataclass(frozen=True)
class Rule:
    name: str
    # The events that plan it; none for the follow-ups, which the sweep of ended sessions plans.
    triggers: tuple[type[IntegrationEvent], ...]
    recipients: Recipients
    channels: tuple[Channel, ...]
    # Sent even when the person turned the channel off, unless they unsubscribed from it.
    transactional: bool
    schedule: Schedule
    # The event key, from ids: registration_id, activity_id, person_id, community_id, import_id.
    key: str
    # The registration status the rule is for (rules about registrations).
    status: str | None = None
    # After this, the message is no longer worth sending (a reminder once the session began).
    expires: Anchor | None = None

    def event_key(self, **ids: object) -> str:
        return self.key.format(**ids)


REGISTRATION_CONFIRMED = Rule(
    "registration_confirmed",
    (ParticipantRegistered, ParticipantLinked),
    Recipients.PARTICIPANT,
    EVERYWHERE,
    transactional=True,
    schedule=AT_ONCE,
    key="registration:confirmed:{registration_id}",
    status="registered",
    # Its ticket is still wanted on the day, until the session ends (a walk-in).
    expires=Anchor.SESSION_END,
)
REGISTRATION_WAITLISTED = Rule(
    "registration_waitlisted",
    (ParticipantWaitlisted, ParticipantLinked),
    Recipients.PARTICIPANT,
    EVERYWHERE,
    transactional=True,
    schedule=AT_ONCE,
    key="registration:waitlisted:{registration_id}",
    status="waitlisted",
    # Its ticket is still wanted on the day, until the session ends (a walk-in).
    expires=Anchor.SESSION_END,
)
REGISTRATION_PROMOTED = Rule(
    "registration_promoted",
    (ParticipantPromoted,),
    Recipients.PARTICIPANT,
    EVERYWHERE,
    transactional=True,
    schedule=AT_ONCE,
    key="registration:promoted:{registration_id}",
    status="registered",
    # Its ticket is still wanted on the day, until the session ends (a walk-in).
    expires=Anchor.SESSION_END,
)
REGISTRATION_CANCELLED = Rule(
    "registration_cancelled",
    (ParticipantCancelled,),
    Recipients.PARTICIPANT,
    EVERYWHERE,
    transactional=True,
    schedule=AT_ONCE,
    key="registration:cancelled:{registration_id}",
    status="cancelled",
)
_SEATED = (ParticipantRegistered, ParticipantPromoted, ParticipantLinked, SessionChanged)
SESSION_REMINDER_DAY_BEFORE = Rule(
    "session_reminder_day_before",
    _SEATED,
    Recipients.PARTICIPANT,
    EVERYWHERE,
    transactional=False,
    schedule=Schedule(Anchor.SESSION_START, DAY_BEFORE),
    key="reminder:h-1:{registration_id}",
    status="registered",
    expires=Anchor.SESSION_START,
)
SESSION_REMINDER_TWO_HOURS = Rule(
    "session_reminder_two_hours",
    _SEATED,
    Recipients.PARTICIPANT,
    EVERYWHERE,
    transactional=False,
    schedule=Schedule(Anchor.SESSION_START, TWO_HOURS_BEFORE),
    key="reminder:2h:{registration_id}",
    status="registered",
    expires=Anchor.SESSION_START,
)
_MEETING = (ActivityLogged, ActivityChanged, MemberJoined)
MEETING_REMINDER_DAY_BEFORE = Rule(
    "meeting_reminder_day_before",
    _MEETING,
    Recipients.MEMBERS,
    EVERYWHERE,
    transactional=False,
    schedule=Schedule(Anchor.MEETING_START, DAY_BEFORE),
    key="reminder:h-1:activity:{activity_id}:{person_id}",
    expires=Anchor.MEETING_START,
)
MEETING_REMINDER_TWO_HOURS = Rule(
    "meeting_reminder_two_hours",
    _MEETING,
    Recipients.MEMBERS,
    EVERYWHERE,
    transactional=False,
    schedule=Schedule(Anchor.MEETING_START, TWO_HOURS_BEFORE),
    key="reminder:2h:activity:{activity_id}:{person_id}",
    expires=Anchor.MEETING_START,
)
# Thanks and the no-show note share one key: a check-in that arrives after the sweep turns a
# note not yet sent into thanks, and nobody gets both.
SESSION_THANKS = Rule(
    "session_thanks",
    (),
    Recipients.ATTENDED,
    EVERYWHERE,
    transactional=False,
    schedule=Schedule(Anchor.SESSION_END, AFTER_THE_SESSION),
    key="followup:{registration_id}",
    status="registered",
)
SESSION_NO_SHOW = Rule(
    "session_no_show",
    (),
    Recipients.ABSENT,
    QUIETLY,
    transactional=False,
    schedule=Schedule(Anchor.SESSION_END, AFTER_THE_SESSION),
    key="followup:{registration_id}",
    status="registered",
)
# Once per community: leaving and joining again is no news worth a second welcome.
COMMUNITY_WELCOME = Rule(
    "community_welcome",
    (MemberJoined,),
    Recipients.NEW_MEMBER,
    QUIETLY,
    transactional=False,
    schedule=AT_ONCE,
    key="welcome:{community_id}",
)
IMPORT_FINISHED = Rule(
    "import_finished",
    (ImportFinished,),
    Recipients.UPLOADER,
    (Channel.INBOX, Channel.EMAIL),
    transactional=True,
    schedule=AT_ONCE,
    key="import:{import_id}",
)
# Once per area, week and subscriber (`notifications.digests.planning`).
WEEKLY_DIGEST = Rule(
    "weekly_digest",
    (WeeklyDigestCompiled,),
    Recipients.SUBSCRIBERS,
    EVERYWHERE,
    transactional=False,
    schedule=AT_ONCE,
    key="digest:{area_code}:{week_start}",
)

RULES: tuple[Rule, ...] = (
    REGISTRATION_CONFIRMED,
    REGISTRATION_WAITLISTED,
    REGISTRATION_PROMOTED,
    REGISTRATION_CANCELLED,
    SESSION_REMINDER_DAY_BEFORE,
    SESSION_REMINDER_TWO_HOURS,
    MEETING_REMINDER_DAY_BEFORE,
    MEETING_REMINDER_TWO_HOURS,
    SESSION_THANKS,
    SESSION_NO_SHOW,
    COMMUNITY_WELCOME,
    IMPORT_FINISHED,
    WEEKLY_DIGEST,
)
BY_NAME = {rule.name: rule for rule in RULES}

# What tells a participant where they stand: one of these per registration is its answer.
ANSWERS = (REGISTRATION_CONFIRMED, REGISTRATION_WAITLISTED, REGISTRATION_PROMOTED)
SESSION_REMINDERS = (SESSION_REMINDER_DAY_BEFORE, SESSION_REMINDER_TWO_HOURS)
MEETING_REMINDERS = (MEETING_REMINDER_DAY_BEFORE, MEETING_REMINDER_TWO_HOURS)
FOLLOW_UPS = (SESSION_THANKS, SESSION_NO_SHOW)


def planned_by(event: type[IntegrationEvent]) -> tuple[Rule, ...]:
    """The rules an event plans, in the table's order."""
    return tuple(rule for rule in RULES if event in rule.triggers)


def of_recipients(rules: tuple[Rule, ...], recipients: Recipients) -> tuple[Rule, ...]:
    return tuple(rule for rule in rules if rule.recipients is recipients)
