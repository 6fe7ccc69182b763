"""The active rule as pure logic: when a community stops being active, and the figures of
its summary row."""

from datetime import UTC, date, datetime, timedelta

from reporting.domain.active_rule import (
    ActiveRule,
    ActivityFact,
    active_share,
    active_until,
    is_active,
    qualifies,
)
from reporting.domain.cycle import phase_bit, phases_of
from reporting.domain.periods import iso_week, local_day, semester_start, week_start
from reporting.domain.summary_rows import attendance_rate

NOW = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
DEFAULT = ActiveRule()


def fact(days_ago: int, present: int | None = 3, **changes: object) -> ActivityFact:
    values: dict[str, object] = {
        "starts_at": NOW - timedelta(days=days_ago),
        "attendees": present if present is not None else 0,
        "members_present": present,
    }
    return ActivityFact(**(values | changes))  # type: ignore[arg-type]


def test_active_until_the_nth_latest_qualifying_activity_leaves_the_window() -> None:
    facts = [fact(5), fact(20), fact(40)]
    until = active_until(facts, DEFAULT)
    assert until == NOW - timedelta(days=20) + timedelta(days=60)
    assert is_active(until, NOW)
    assert not is_active(until, NOW + timedelta(days=40))
    # One qualifying activity is not enough for a rule of two.
    assert active_until([fact(5)], DEFAULT) is None
    assert not is_active(None, NOW)


def test_too_few_members_present_or_a_deleted_activity_does_not_count() -> None:
    facts = [fact(1, present=2), fact(5), fact(8, deleted=True), fact(70)]
    assert active_until(facts, DEFAULT) == NOW - timedelta(days=70) + timedelta(days=60)
    assert not is_active(active_until(facts, DEFAULT), NOW)
    relaxed = ActiveRule(min_activities=2, window_days=30, min_members_present=2)
    assert active_until(facts, relaxed) == NOW - timedelta(days=5) + timedelta(days=30)


def test_without_recorded_attendance_the_attendees_stand_for_members_present() -> None:
    guessed = ActivityFact(starts_at=NOW, attendees=4, members_present=None)
    assert qualifies(guessed, DEFAULT)
    assert not qualifies(ActivityFact(starts_at=NOW, attendees=4, members_present=1), DEFAULT)


def test_shares_rates_and_phases() -> None:
    assert active_share(1, 3) == 0.3333
    assert active_share(0, 0) is None
    assert attendance_rate(9, 3, 4) == 0.75
    assert attendance_rate(10, 1, 4) == 1.0  # more came than are members now
    assert attendance_rate(0, 0, 4) is None
    assert attendance_rate(3, 1, 0) is None
    mask = phase_bit("evaluasi") | phase_bit("refleksi_awal")
    assert phases_of(mask) == ["refleksi_awal", "evaluasi"]


def test_days_weeks_and_semesters_are_local() -> None:
    # 23.30 WIB on 2 December is already 3 December in WIT.
    late = datetime(2026, 12, 2, 16, 30, tzinfo=UTC)
    assert local_day(late, "WIB") == date(2026, 12, 2)
    assert local_day(late, "WIT") == date(2026, 12, 3)
    assert local_day(late, None) == date(2026, 12, 2)
    assert semester_start(date(2026, 12, 3)) == date(2026, 7, 1)
    assert semester_start(date(2027, 6, 30)) == date(2027, 1, 1)
    assert week_start(date(2026, 12, 3)) == date(2026, 11, 30)
    assert iso_week(date(2026, 12, 3)) == "2026-W49"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"
