"""Whether a WhatsApp account's daily limit can send, in time, what waits for it; pure.

Providers (Fonnte, Wablas, a Cloud API tier) let one account send so many messages a day.
Messages cannot all go at once: a reminder may not leave before its instant, and one that has
not left by its deadline (the session's start) is useless. So the question is not "is the
total under limit × days" but "day by day, sending what is due with the earliest deadline
first, does anything miss its deadline?" Earliest deadline first is the best any order can
do, so when it fails, no sending order succeeds.
"""

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class Due:
    """`count` messages that may leave from `day` on and must have left by `deadline`
    (days of the account's calendar; a deadline after the horizon never makes one late)."""

    day: date
    deadline: date
    count: int


@dataclass(frozen=True)
class Outlook:
    days_left: int  # sending days from today to the horizon's day, both counted
    capacity: int  # what the account can still send in those days
    total: int  # what waits for it in that time
    late: int  # what would miss its deadline, sent earliest deadline first
    per_day: list[tuple[date, int]] = field(default_factory=list)  # what falls due each day

    @property
    def fits(self) -> bool:
        return self.late == 0


def outlook(
    due: Iterable[Due], today: date, last_day: date, daily_limit: int, sent_today: int = 0
) -> Outlook:
    """Send, day by day from `today` to `last_day`, at most `daily_limit` a day (less what
    went today already), earliest deadline first; count what misses its deadline."""
    waiting = sorted(due, key=lambda d: d.day)
    total = sum(d.count for d in waiting)
    days_left = max(0, (last_day - today).days + 1)
    per_day: dict[date, int] = {}
    for d in waiting:
        day = max(d.day, today)
        per_day[day] = per_day.get(day, 0) + d.count
    ready: list[tuple[date, int]] = []  # (deadline, count) heap
    late = 0
    taken = 0
    day = today
    while day <= last_day:
        while taken < len(waiting) and waiting[taken].day <= day:
            heapq.heappush(ready, (waiting[taken].deadline, waiting[taken].count))
            taken += 1
        room = max(0, daily_limit - (sent_today if day == today else 0))
        while room and ready:
            deadline, count = heapq.heappop(ready)
            sent = min(room, count)
            room -= sent
            if count > sent:
                heapq.heappush(ready, (deadline, count - sent))
        while ready and ready[0][0] <= day:
            late += heapq.heappop(ready)[1]
        day += timedelta(days=1)
    # Left over: what may still wait past the horizon (its deadline is beyond it), and what
    # was due only after it (not this horizon's concern).
    return Outlook(
        days_left=days_left,
        capacity=max(0, daily_limit * days_left - sent_today),
        total=total,
        late=late,
        per_day=sorted(per_day.items()),
    )
