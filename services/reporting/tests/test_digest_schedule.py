"""When a weekly digest is due, without I/O: Monday 07.00 on each area's own wall clock."""

from datetime import UTC, date, datetime, timedelta

from kombel_events.regions import TimeZone
from reporting.digest_schedule import due_areas, latest_week

MONDAY = date(2026, 12, 7)


def test_the_week_turns_at_monday_seven_local_time() -> None:
    # 07.00 WIB is midnight UTC; a minute before, the digest due is last week's.
    before = latest_week(datetime(2026, 12, 6, 23, 59, tzinfo=UTC), TimeZone.WIB)
    at = latest_week(datetime(2026, 12, 7, 0, 0, tzinfo=UTC), TimeZone.WIB)
    assert before.week_start == MONDAY - timedelta(days=7)
    assert at.week_start == MONDAY
    assert at.due_at == datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    assert at.quiet_since == at.due_at - timedelta(days=7)


def test_papua_is_due_two_hours_of_utc_before_java() -> None:
    wit = latest_week(datetime(2026, 12, 7, 0, 0, tzinfo=UTC), TimeZone.WIT)
    wita = latest_week(datetime(2026, 12, 7, 0, 0, tzinfo=UTC), TimeZone.WITA)
    assert wit.due_at == datetime(2026, 12, 6, 22, 0, tzinfo=UTC)
    assert wita.due_at == datetime(2026, 12, 6, 23, 0, tzinfo=UTC)
    assert wit.week_start == wita.week_start == MONDAY


def test_late_digests_are_written_within_a_day_and_not_after() -> None:
    area = ["31.71"]  # Jakarta Pusat, WIB
    due = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    assert [w.week_start for _, w in due_areas(due + timedelta(hours=20), area)] == [MONDAY]
    assert due_areas(due + timedelta(days=2), area) == []


def test_every_province_and_kabupaten_kota_has_a_digest() -> None:
    found = due_areas(datetime(2026, 12, 7, 1, 0, tzinfo=UTC))
    kinds = {area.kind.value for area, _ in found}
    assert kinds == {"province", "kabkota"}
    assert len(found) == 38 + 514
