"""The rules of an activity, without I/O: time in the place's zone, duration, how it was held,
and who may do what in a community."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from activities.domain.access import Standing, require_reader, require_writer
from activities.domain.activities import (
    attendance_open,
    check_how_held,
    duration_of,
    place_start,
)
from kombel_events.activities import Mode
from kombel_runtime.errors import DomainError, status_of

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kabkota", "zone", "utc_hour"),
    [("31.71", "WIB", 9), ("63.03", "WITA", 8), ("91.71", "WIT", 7)],
)
def test_a_time_without_offset_is_the_local_time_of_the_place(
    kabkota: str, zone: str, utc_hour: int
) -> None:
    placed = place_start(datetime(2026, 5, 28, 16, 0), kabkota, NOW)
    assert placed.timezone.value == zone
    assert placed.utc == datetime(2026, 5, 28, utc_hour, 0, tzinfo=UTC)
    assert placed.local.hour == 16


def test_a_time_with_an_offset_is_taken_as_given() -> None:
    given = datetime(2026, 5, 28, 16, 0, tzinfo=UTC)
    assert place_start(given, "63.03", NOW).utc == given


@pytest.mark.parametrize(
    ("start", "code"),
    [
        (NOW + timedelta(days=400), "start_too_far_ahead"),
        (NOW - timedelta(days=6 * 366), "start_too_long_ago"),
        # The calendar's first day in WITA is before its first instant: refused, not a crash.
        (datetime(1, 1, 1, 0, 0), "time_out_of_range"),
        (
            datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12))),
            "time_out_of_range",
        ),
    ],
)
def test_a_start_far_away_is_refused(start: datetime, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        place_start(start, "63.03", NOW)
    assert refused.value.code == code


def test_the_duration_comes_from_minutes_or_an_end_after_the_start() -> None:
    start = place_start(datetime(2026, 5, 28, 16, 0), "63.03", NOW)
    assert duration_of(start, 90, None) == 90
    assert duration_of(start, None, datetime(2026, 5, 28, 17, 30)) == 90
    for ends, code in (
        (datetime(2026, 5, 28, 15, 0), "end_before_start"),
        (datetime(2026, 5, 29, 16, 0), "duration_too_long"),
    ):
        with pytest.raises(DomainError) as refused:
            duration_of(start, None, ends)
        assert refused.value.code == code
    with pytest.raises(DomainError, match="duration_missing"):
        duration_of(start, None, None)


@pytest.mark.parametrize(
    ("mode", "place", "link", "code"),
    [
        (Mode.LURING, None, None, "place_required"),
        (Mode.DARING, None, None, "meeting_url_required"),
        (Mode.HYBRID, "Aula", None, "meeting_url_required"),
        (Mode.LURING, "Aula", None, None),
        (Mode.DARING, None, "https://meet.contoh.id/kkg", None),
    ],
)
def test_how_it_was_held_needs_a_place_or_a_link(
    mode: Mode, place: str | None, link: str | None, code: str | None
) -> None:
    if code is None:
        check_how_held(mode, place, link)
        return
    with pytest.raises(DomainError) as refused:
        check_how_held(mode, place, link)
    assert refused.value.code == code


def test_attendance_is_open_from_an_hour_before_until_a_day_after() -> None:
    start = NOW
    assert attendance_open(start, 90, start - timedelta(minutes=59))
    assert attendance_open(start, 90, start + timedelta(hours=25))
    assert not attendance_open(start, 90, start - timedelta(hours=2))
    assert not attendance_open(start, 90, start + timedelta(hours=26))


def _standing(*, staff: bool = False, role: str | None = None) -> Standing:
    return Standing({"status": "active", "kabkota_code": "31.71"}, staff, role)


@pytest.mark.parametrize(
    ("place", "reads", "writes"),
    [
        (_standing(role="penggerak"), True, True),
        (_standing(role="koordinator"), True, True),
        (_standing(role="anggota"), True, False),
        (_standing(staff=True), True, True),
        (_standing(), False, False),
        (None, False, False),
    ],
)
def test_leads_write_members_read_others_see_nothing(
    place: Standing | None, reads: bool, writes: bool
) -> None:
    def allowed(check: object) -> int | None:
        try:
            check(place)  # type: ignore[operator]
        except DomainError as refused:
            return status_of(refused)
        return None

    assert (allowed(require_reader) is None) is reads
    assert (allowed(require_writer) is None) is writes
    if not reads:
        assert allowed(require_writer) == 404
