"""The rules of a message's delivery, with no I/O: what the dispatcher and the status webhooks
decide, tested on their own (`tests/test_delivery_rules.py`).

- whether a claimed message goes now, waits (quiet hours) or is dropped (erased contact,
  channel turned off, no address, too late), in `plan_delivery`;
- when a failed attempt is tried again (`retry_delay`);
- where a refused WhatsApp message goes instead (`fallback_channel`);
- how provider statuses, which arrive in any order, move a message (`advanced`).

Reasons are short stable codes (`channel_off`, `expired`, …): they are stored, published in
`MessageStatusChanged.reason` and shown to staff, and never carry an address.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from kombel_events.notifications import Channel, DeliveryStatus
from kombel_events.regions import TimeZone


class MessageStatus(StrEnum):
    """`messages.status`: the published delivery statuses and the dispatcher's own."""

    SCHEDULED = "scheduled"  # waits for its instant (a reminder)
    QUEUED = "queued"
    SENDING = "sending"  # claimed by one dispatcher
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    CANCELLED = "cancelled"  # what it was about, or who it was for, is gone
    SKIPPED = "skipped"  # the person's choice (a channel off) or too late to be of use


PENDING = frozenset({MessageStatus.SCHEDULED, MessageStatus.QUEUED, MessageStatus.SENDING})

# Reasons, stored in `failure_reason` and published with the status.
NO_CONTACT = "no_contact"
CONTACT_ERASED = "contact_erased"
NO_ADDRESS = "no_address"
CHANNEL_OFF = "channel_off"
EXPIRED = "expired"
QUIET_UNTIL_EXPIRY = "quiet_hours_until_expiry"
NOT_RENDERABLE = "not_renderable"
CHANNEL_NOT_CONFIGURED = "channel_not_configured"

# Channels that make a phone ring; quiet hours hold these, the inbox is read when one looks.
_RINGING = frozenset({Channel.EMAIL, Channel.WHATSAPP, Channel.SMS})


# Provider statuses: queued < sent < delivered < read; `failed` only before delivered.
_RANK = {
    MessageStatus.SCHEDULED: 0,
    MessageStatus.QUEUED: 0,
    MessageStatus.SENDING: 0,
    MessageStatus.SENT: 1,
    MessageStatus.DELIVERED: 2,
    MessageStatus.READ: 3,
}


def advanced(current: MessageStatus, reported: DeliveryStatus) -> MessageStatus | None:
    """The status a provider's report moves a message to, or None when it moves nothing: a
    late `delivered` after `read` stays `read`, and nothing leaves `failed`, `cancelled` or
    `skipped`."""
    if current not in _RANK:
        return None
    if reported is DeliveryStatus.FAILED:
        return MessageStatus.FAILED if _RANK[current] < _RANK[MessageStatus.DELIVERED] else None
    target = MessageStatus(reported.value)
    return target if _RANK[target] > _RANK[current] else None


def published(status: MessageStatus) -> DeliveryStatus | None:
    """The status as `MessageStatusChanged` carries it: `sending` is the dispatcher's own and
    is not published; a message dropped (cancelled or skipped) ends like a failure, with its
    reason."""
    if status is MessageStatus.SENDING or status is MessageStatus.SCHEDULED:
        return None
    if status in (MessageStatus.CANCELLED, MessageStatus.SKIPPED):
        return DeliveryStatus.FAILED
    return DeliveryStatus(status.value)


def retry_delay(
    attempt: int,
    base_s: float,
    cap_s: float,
    retry_after_s: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds before attempt `attempt + 1`, after `attempt` failed ones (1 for the first).

    Equal jitter (half fixed, half random) rather than full jitter: spread, so a recovering
    gateway is not met by every message at once, yet never near zero, so the attempts of one
    message span at least half the nominal sum and a gateway down for a while cannot use
    them all up. A provider's `Retry-After` is a floor.
    """
    nominal = min(cap_s, base_s * 2 ** max(0, attempt - 1))
    delay: float = nominal / 2 + (rng or random).uniform(0, nominal / 2)
    if retry_after_s is not None:
        delay = max(delay, retry_after_s)
    return delay


def fallback_channel(channel: Channel, sms_available: bool) -> Channel | None:
    """Where a message refused for good goes instead: a number WhatsApp refuses may still take
    an SMS (when a gateway for it is configured), else email; a refused SMS goes by email."""
    if channel is Channel.WHATSAPP:
        return Channel.SMS if sms_available else Channel.EMAIL
    if channel is Channel.SMS:
        return Channel.EMAIL
    return None


@dataclass(frozen=True)
class Recipient:
    """What the dispatcher knows of the person a message is for (their `contacts` row)."""

    email: str | None
    phone: str | None
    timezone: str  # WIB | WITA | WIT
    erased: bool = False

    def address(self, channel: Channel) -> str | None:
        if channel is Channel.EMAIL:
            return self.email
        if channel in (Channel.WHATSAPP, Channel.SMS):
            return self.phone
        return None


@dataclass(frozen=True)
class QuietHours:
    """A daily window in the person's local time; it may pass midnight (21.00 to 06.00)."""

    starts: time
    ends: time

    def end_after(self, now: datetime, zone: str) -> datetime | None:
        """When the window `now` falls in ends (UTC), or None when `now` is outside it."""
        if self.starts == self.ends:
            return None
        local = now.astimezone(_zone(zone))
        clock = local.time().replace(tzinfo=None)
        if self.starts < self.ends:
            inside = self.starts <= clock < self.ends
            end_day = local.date()
        else:
            inside = clock >= self.starts or clock < self.ends
            end_day = local.date() + timedelta(days=1 if clock >= self.starts else 0)
        if not inside:
            return None
        end = datetime.combine(end_day, self.ends, tzinfo=local.tzinfo)
        return end.astimezone(UTC)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(TimeZone(name).iana)
    except ValueError:
        return ZoneInfo(TimeZone.WIB.iana)


@dataclass(frozen=True)
class Send:
    address: str | None  # None for the inbox


@dataclass(frozen=True)
class Defer:
    until: datetime


@dataclass(frozen=True)
class Drop:
    status: MessageStatus  # cancelled or skipped
    reason: str


def channel_allowed(enabled: bool | None, transactional: bool) -> bool:
    """The person's choice for a channel: only an explicit "off" stops a message, a ticket's
    (transactional) as much as a reminder's; with no choice made the channel is on."""
    return enabled is not False


def held_by_quiet_hours(channel: Channel, transactional: bool) -> bool:
    """Quiet hours hold messages that would ring a phone, except transactional ones: those
    answer the person's own act (a registration, its ticket) and are wanted at once."""
    return channel in _RINGING and not transactional


def plan_delivery(
    *,
    channel: Channel,
    transactional: bool,
    now: datetime,
    expires_at: datetime | None,
    recipient: Recipient | None,
    enabled: bool | None,
    quiet: QuietHours | None,
) -> Send | Defer | Drop:
    """What becomes of a claimed message now: sent, held until quiet hours end, or dropped."""
    if recipient is None:
        return Drop(MessageStatus.CANCELLED, NO_CONTACT)
    if recipient.erased:
        return Drop(MessageStatus.CANCELLED, CONTACT_ERASED)
    if expires_at is not None and now >= expires_at:
        return Drop(MessageStatus.SKIPPED, EXPIRED)
    if not channel_allowed(enabled, transactional):
        return Drop(MessageStatus.SKIPPED, CHANNEL_OFF)
    address = recipient.address(channel)
    if channel is not Channel.INBOX and not address:
        return Drop(MessageStatus.CANCELLED, NO_ADDRESS)
    if quiet is not None and held_by_quiet_hours(channel, transactional):
        end = quiet.end_after(now, recipient.timezone)
        if end is not None:
            if expires_at is not None and end >= expires_at:
                return Drop(MessageStatus.SKIPPED, QUIET_UNTIL_EXPIRY)
            return Defer(end)
    return Send(address)
