"""When a community counts as active, by the rule of its province: pure functions, no I/O.

A rule says: at least `min_activities` activities within the last `window_days` days, each
with at least `min_members_present` members present. A community is active at instant t
while its `min_activities`-th most recent qualifying activity began less than `window_days`
before t; so `active_until` is that activity's start plus the window, stored once per change
instead of recounted on every read. NULL means not active (too few qualifying activities).

An activity whose attendance was recorded with it, not on its own, publishes only how many
came in all (members and guests); its members present are then taken to be that number, the
best that is known.

`reporting.projections.activeness` computes the same in SQL; the tests hold the two together.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_ACTIVITIES = (1, 20)
WINDOW_DAYS = (7, 366)
MIN_MEMBERS_PRESENT = (0, 500)


@dataclass(frozen=True)
class ActiveRule:
    min_activities: int = 2
    window_days: int = 60
    min_members_present: int = 3


NATIONAL_DEFAULT = ActiveRule()


@dataclass(frozen=True)
class ActivityFact:
    starts_at: datetime
    attendees: int
    members_present: int | None = None
    deleted: bool = False


def qualifies(fact: ActivityFact, rule: ActiveRule) -> bool:
    present = fact.members_present if fact.members_present is not None else fact.attendees
    return not fact.deleted and present >= rule.min_members_present


def active_until(facts: Iterable[ActivityFact], rule: ActiveRule) -> datetime | None:
    """The instant the community stops being active, if no other activity comes; None when
    it has too few qualifying activities to be active at all."""
    starts = sorted((f.starts_at for f in facts if qualifies(f, rule)), reverse=True)
    if len(starts) < rule.min_activities:
        return None
    return starts[rule.min_activities - 1] + timedelta(days=rule.window_days)


def is_active(until: datetime | None, at: datetime) -> bool:
    return until is not None and until > at


def active_share(active: int, communities: int) -> float | None:
    """The share of active communities, rounded for people; None where there are none."""
    return round(active / communities, 4) if communities else None
