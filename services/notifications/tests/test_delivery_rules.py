"""The rules of delivery with no I/O: statuses that only move forward, retries that keep
their distance, quiet hours in the person's own zone, and who gets what on which channel."""

import random
from datetime import UTC, datetime, time, timedelta

import pytest
from kombel_events.notifications import Channel, DeliveryStatus
from notifications.domain.delivery import (
    CHANNEL_OFF,
    CONTACT_ERASED,
    EXPIRED,
    NO_ADDRESS,
    NO_CONTACT,
    QUIET_UNTIL_EXPIRY,
    Defer,
    Drop,
    MessageStatus,
    QuietHours,
    Recipient,
    Send,
    advanced,
    channel_allowed,
    fallback_channel,
    plan_delivery,
    published,
    retry_delay,
)

S = MessageStatus
D = DeliveryStatus


@pytest.mark.parametrize(
    ("reports", "final"),
    [
        ([D.SENT, D.DELIVERED, D.READ], S.READ),
        ([D.READ, D.DELIVERED, D.SENT], S.READ),
        ([D.DELIVERED, D.SENT], S.DELIVERED),
        ([D.QUEUED, D.SENT], S.SENT),
        ([D.FAILED, D.DELIVERED, D.READ], S.FAILED),
        ([D.DELIVERED, D.FAILED], S.DELIVERED),
        ([D.SENT, D.FAILED], S.FAILED),
    ],
)
def test_statuses_in_any_order_end_in_the_furthest_and_never_go_back(
    reports: list[DeliveryStatus], final: MessageStatus
) -> None:
    current = S.SENT
    for report in reports:
        current = advanced(current, report) or current
    assert current is final


@pytest.mark.parametrize("ended", [S.CANCELLED, S.SKIPPED, S.FAILED])
def test_nothing_moves_a_message_that_ended(ended: MessageStatus) -> None:
    assert all(advanced(ended, report) is None for report in DeliveryStatus)


def test_what_is_published_of_each_status() -> None:
    assert published(S.SENDING) is None
    assert published(S.SCHEDULED) is None
    assert published(S.SKIPPED) is D.FAILED
    assert published(S.CANCELLED) is D.FAILED
    assert [published(s) for s in (S.QUEUED, S.SENT, S.DELIVERED, S.READ, S.FAILED)] == [
        D.QUEUED,
        D.SENT,
        D.DELIVERED,
        D.READ,
        D.FAILED,
    ]


def test_retries_spread_out_yet_keep_half_their_distance() -> None:
    rng = random.Random(7)
    for attempt in range(1, 10):
        nominal = min(600.0, 30.0 * 2 ** (attempt - 1))
        delays = [retry_delay(attempt, 30.0, 600.0, rng=rng) for _ in range(200)]
        assert all(nominal / 2 <= d <= nominal for d in delays)
        assert max(delays) - min(delays) > nominal / 4  # jittered, not in lockstep
    # Eight attempts at a 30 s base span at least half of 30 + 60 + … + 1920 s.
    total = sum(retry_delay(a, 30.0, 3600.0, rng=rng) for a in range(1, 8))
    assert total >= sum(30.0 * 2 ** (a - 1) for a in range(1, 8)) / 2


def test_a_providers_retry_after_is_a_floor() -> None:
    assert retry_delay(1, 1.0, 10.0, retry_after_s=42.0) == 42.0
    assert retry_delay(1, 100.0, 200.0, retry_after_s=1.0) >= 50.0


def test_fail_over_goes_to_sms_where_there_is_a_gateway_else_email() -> None:
    assert fallback_channel(Channel.WHATSAPP, sms_available=True) is Channel.SMS
    assert fallback_channel(Channel.WHATSAPP, sms_available=False) is Channel.EMAIL
    assert fallback_channel(Channel.SMS, sms_available=True) is Channel.EMAIL
    assert fallback_channel(Channel.EMAIL, sms_available=True) is None
    assert fallback_channel(Channel.INBOX, sms_available=True) is None


def test_only_an_explicit_off_stops_a_channel_for_tickets_and_reminders_alike() -> None:
    for transactional in (True, False):
        assert channel_allowed(None, transactional)
        assert channel_allowed(True, transactional)
        assert not channel_allowed(False, transactional)


NIGHT = QuietHours(time(21, 0), time(6, 0))
AFTERNOON = QuietHours(time(13, 0), time(15, 0))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_quiet_hours_are_read_in_the_persons_zone() -> None:
    # 14.30 UTC is 21.30 WIB and 22.30 WITA, 23.30 WIT: inside the night window for all.
    now = at("2026-12-08T14:30:00+00:00")
    assert NIGHT.end_after(now, "WIB") == at("2026-12-09T06:00:00+07:00")
    assert NIGHT.end_after(now, "WITA") == at("2026-12-09T06:00:00+08:00")
    assert NIGHT.end_after(now, "WIT") == at("2026-12-09T06:00:00+09:00")
    # 13.30 UTC is 20.30 WIB (outside) and 21.30 WITA (inside).
    earlier = at("2026-12-08T13:30:00+00:00")
    assert NIGHT.end_after(earlier, "WIB") is None
    assert NIGHT.end_after(earlier, "WITA") == at("2026-12-09T06:00:00+08:00")


def test_after_midnight_the_window_ends_the_same_morning() -> None:
    now = at("2026-12-08T20:00:00+00:00")  # 04.00 WITA on the 9th
    assert NIGHT.end_after(now, "WITA") == at("2026-12-09T06:00:00+08:00")


def test_a_daytime_window_and_an_empty_one() -> None:
    assert AFTERNOON.end_after(at("2026-12-08T06:30:00+00:00"), "WIB") == at(
        "2026-12-08T15:00:00+07:00"
    )
    assert AFTERNOON.end_after(at("2026-12-08T09:00:00+00:00"), "WIB") is None
    assert QuietHours(time(8, 0), time(8, 0)).end_after(datetime.now(UTC), "WIB") is None


TEACHER = Recipient(email="guru@contoh.sch.id", phone="+6281234567890", timezone="WITA")
NIGHT_IN_MAKASSAR = at("2026-12-08T14:30:00+00:00")  # 22.30 WITA


def plan(**changes: object) -> Send | Defer | Drop:
    given: dict[str, object] = {
        "channel": Channel.WHATSAPP,
        "transactional": False,
        "now": at("2026-12-08T02:00:00+00:00"),
        "expires_at": None,
        "recipient": TEACHER,
        "enabled": None,
        "quiet": NIGHT,
    }
    given.update(changes)
    return plan_delivery(**given)  # type: ignore[arg-type]


def test_a_message_goes_to_the_channels_address() -> None:
    assert plan() == Send("+6281234567890")
    assert plan(channel=Channel.EMAIL) == Send("guru@contoh.sch.id")
    assert plan(channel=Channel.INBOX) == Send(None)


def test_who_and_what_drop_a_message() -> None:
    erased = Recipient(email=None, phone=None, timezone="WIB", erased=True)
    assert plan(recipient=None) == Drop(S.CANCELLED, NO_CONTACT)
    assert plan(recipient=erased) == Drop(S.CANCELLED, CONTACT_ERASED)
    no_phone = Recipient(email="guru@contoh.sch.id", phone=None, timezone="WIB")
    assert plan(recipient=no_phone) == Drop(S.CANCELLED, NO_ADDRESS)
    assert plan(enabled=False) == Drop(S.SKIPPED, CHANNEL_OFF)
    assert plan(enabled=False, transactional=True) == Drop(S.SKIPPED, CHANNEL_OFF)
    late = at("2026-12-08T01:00:00+00:00")
    assert plan(expires_at=late) == Drop(S.SKIPPED, EXPIRED)


def test_quiet_hours_hold_a_reminder_until_morning_unless_it_would_be_late() -> None:
    morning = at("2026-12-09T06:00:00+08:00")
    assert plan(now=NIGHT_IN_MAKASSAR) == Defer(morning)
    assert plan(now=NIGHT_IN_MAKASSAR, expires_at=morning + timedelta(hours=2)) == Defer(morning)
    assert plan(now=NIGHT_IN_MAKASSAR, expires_at=morning - timedelta(minutes=1)) == Drop(
        S.SKIPPED, QUIET_UNTIL_EXPIRY
    )


def test_quiet_hours_let_tickets_and_the_inbox_through() -> None:
    assert plan(now=NIGHT_IN_MAKASSAR, transactional=True) == Send("+6281234567890")
    assert plan(now=NIGHT_IN_MAKASSAR, channel=Channel.INBOX) == Send(None)
