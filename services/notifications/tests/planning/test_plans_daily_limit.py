"""The daily limit's arithmetic, without I/O: what is due on one day cannot be sent earlier,
and what misses its deadline is late however the days before were used."""

from datetime import date, timedelta

from notifications.domain.daily_limit import Due, outlook

TODAY = date(2026, 5, 20)
SESSION_DAY = date(2026, 5, 25)


def day(n: int) -> date:
    return TODAY + timedelta(days=n)


def test_confirmations_spread_over_the_days_left_fit() -> None:
    found = outlook([Due(TODAY, SESSION_DAY, 4324)], TODAY, SESSION_DAY, daily_limit=1000)
    assert (found.days_left, found.capacity, found.total, found.late) == (6, 6000, 4324, 0)
    assert found.fits


def test_reminders_of_one_day_cannot_be_sent_before_it() -> None:
    # 4,324 reminders of the day before, with a limit of 1,000 a day: the day before and the
    # session's own morning send 2,000, the rest is late, however quiet the days before were.
    reminders = Due(day(4), SESSION_DAY, 4324)
    found = outlook([reminders], TODAY, SESSION_DAY, daily_limit=1000)
    assert found.late == 2324
    assert not found.fits
    assert found.per_day == [(day(4), 4324)]


def test_earliest_deadline_goes_first() -> None:
    # 1,500 for a session tomorrow and 500 for a later one, 1,000 a day: sending the later
    # ones first would make the earlier ones late.
    found = outlook(
        [Due(TODAY, day(3), 500), Due(TODAY, day(1), 1500)], TODAY, day(3), daily_limit=1000
    )
    assert found.late == 0


def test_what_went_today_counts_against_today() -> None:
    found = outlook([Due(TODAY, TODAY, 300)], TODAY, TODAY, daily_limit=1000, sent_today=800)
    assert (found.capacity, found.late) == (200, 100)


def test_what_may_wait_past_the_horizon_is_not_late() -> None:
    found = outlook([Due(TODAY, day(2), 1500)], TODAY, day(1), daily_limit=500)
    assert found.late == 0


def test_nothing_to_send_fits() -> None:
    found = outlook([], TODAY, SESSION_DAY, daily_limit=10)
    assert found.fits
    assert found.total == 0
