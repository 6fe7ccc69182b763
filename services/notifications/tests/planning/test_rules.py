"""The rule table and the instants it gives, without I/O: the templates' names, who hears of
what on which channel, and reminders reckoned on the place's wall clock."""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from kombel_events.activities import ActivityLogged
from kombel_events.imports import ImportFinished
from kombel_events.notifications import Channel
from kombel_events.regions import TimeZone
from kombel_events.trainings import (
    ParticipantLinked,
    ParticipantRegistered,
    ParticipantWaitlisted,
    SessionChanged,
)
from notifications.planning import Seat, seat_messages
from notifications.rules import (
    IMPORT_FINISHED,
    RULES,
    SESSION_NO_SHOW,
    SESSION_REMINDER_DAY_BEFORE,
    SESSION_REMINDER_TWO_HOURS,
    SESSION_THANKS,
    planned_by,
)

NOW = datetime(2026, 5, 20, 3, 0, tzinfo=UTC)
MAKASSAR = ZoneInfo("Asia/Makassar")


def a_seat(status: str = "registered", **fields: object) -> Seat:
    start = datetime(2026, 5, 25, 8, 0, tzinfo=MAKASSAR).astimezone(UTC)
    values: dict[str, object] = {
        "registration_id": uuid.uuid4(),
        "training_id": uuid.uuid4(),
        "session_id": uuid.uuid4(),
        "person_id": uuid.uuid4(),
        "status": status,
        "checked_in_at": None,
        "session_status": "scheduled",
        "starts_at": start,
        "ends_at": start + timedelta(hours=8),
        "timezone": "WITA",
    }
    return Seat(**(values | fields))  # type: ignore[arg-type]


def test_the_rules_are_the_templates_the_content_side_writes() -> None:
    assert [rule.name for rule in RULES] == [
        "registration_confirmed",
        "registration_waitlisted",
        "registration_promoted",
        "registration_cancelled",
        "session_reminder_day_before",
        "session_reminder_two_hours",
        "meeting_reminder_day_before",
        "meeting_reminder_two_hours",
        "session_thanks",
        "session_no_show",
        "community_welcome",
        "import_finished",
        "weekly_digest",
    ]
    assert all(Channel.INBOX in rule.channels for rule in RULES)


def test_each_event_plans_what_the_table_says() -> None:
    assert [r.name for r in planned_by(ParticipantRegistered)] == [
        "registration_confirmed",
        "session_reminder_day_before",
        "session_reminder_two_hours",
    ]
    # A linked registration gets the answer of its status: seat and reminders, or waitlist.
    assert {r.name for r in planned_by(ParticipantLinked)} == {
        "registration_confirmed",
        "registration_waitlisted",
        "session_reminder_day_before",
        "session_reminder_two_hours",
    }
    assert [r.name for r in planned_by(ParticipantWaitlisted)] == ["registration_waitlisted"]
    assert [r.name for r in planned_by(SessionChanged)] == [
        "session_reminder_day_before",
        "session_reminder_two_hours",
    ]
    assert {r.name for r in planned_by(ActivityLogged)} == {
        "meeting_reminder_day_before",
        "meeting_reminder_two_hours",
    }
    assert planned_by(ImportFinished) == (IMPORT_FINISHED,)
    assert set(IMPORT_FINISHED.channels) == {Channel.INBOX, Channel.EMAIL}
    # Follow-ups come from the sweep of ended sessions, not from an event.
    assert SESSION_THANKS.triggers == SESSION_NO_SHOW.triggers == ()


def test_a_makassar_session_is_reminded_on_wita_wall_clock() -> None:
    start = datetime(2026, 5, 25, 8, 0, tzinfo=MAKASSAR)
    day_before = SESSION_REMINDER_DAY_BEFORE.schedule.due(start, TimeZone.WITA, NOW)
    two_hours = SESSION_REMINDER_TWO_HOURS.schedule.due(start, TimeZone.WITA, NOW)
    assert day_before is not None
    assert two_hours is not None
    assert day_before.astimezone(MAKASSAR) == datetime(2026, 5, 24, 8, 0, tzinfo=MAKASSAR)
    assert two_hours.astimezone(MAKASSAR) == datetime(2026, 5, 25, 6, 0, tzinfo=MAKASSAR)
    assert day_before.tzinfo == UTC
    assert day_before == datetime(2026, 5, 24, 0, 0, tzinfo=UTC)


def test_a_reminder_whose_instant_has_passed_is_not_planned() -> None:
    start = NOW + timedelta(hours=3)
    assert SESSION_REMINDER_DAY_BEFORE.schedule.due(start, TimeZone.WIB, NOW) is None
    assert SESSION_REMINDER_TWO_HOURS.schedule.due(start, TimeZone.WIB, NOW) == NOW + timedelta(
        hours=1
    )
    # A follow-up whose hour has passed is due at once.
    ended = NOW - timedelta(hours=5)
    assert SESSION_THANKS.schedule.due(ended, TimeZone.WIB, NOW) == NOW


def test_a_seat_plans_its_answer_and_reminders_and_nothing_for_a_cancelled_session() -> None:
    seat = a_seat()
    planned = seat_messages(seat, planned_by(ParticipantRegistered), NOW)
    assert [(p.rule.name, p.event_key) for p in planned] == [
        ("registration_confirmed", f"registration:confirmed:{seat.registration_id}"),
        ("session_reminder_day_before", f"reminder:h-1:{seat.registration_id}"),
        ("session_reminder_two_hours", f"reminder:2h:{seat.registration_id}"),
    ]
    # Reminders are useless once the session starts; the confirmation (the ticket) is wanted
    # on the day until it ends, by a walk-in too.
    assert [p.expires_at for p in planned] == [seat.ends_at, seat.starts_at, seat.starts_at]
    assert planned[0].due_at == NOW
    assert planned[0].rule.transactional

    assert seat_messages(a_seat("waitlisted"), planned_by(ParticipantRegistered), NOW) == []
    assert (
        seat_messages(a_seat(session_status="cancelled"), planned_by(ParticipantRegistered), NOW)
        == []
    )
    # Once the session began only the confirmation is worth sending, and after it ended nothing.
    late = seat_messages(a_seat(), planned_by(ParticipantRegistered), seat.starts_at)
    assert [p.rule.name for p in late] == ["registration_confirmed"]
    assert seat_messages(a_seat(), planned_by(ParticipantRegistered), seat.ends_at) == []
