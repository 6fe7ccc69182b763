"""The rules of a training, without I/O: who reaches it, where and when its sessions are, their
codes and capacity, and when registration is open."""

from datetime import UTC, datetime, timedelta

import pytest
from activities.domain import trainings as rules
from activities.domain.trainings import Reach
from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import DomainError, status_of

NOW = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)
PERSON = "0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a70"


def principal(role: Role, **scope: str) -> Principal:
    return Principal(subject="someone", roles=frozenset({role}), **scope)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        (principal(Role.NATIONAL_ADMIN), Reach.ORGANISER),
        (principal(Role.PROVINCE_STAFF, province="73"), Reach.ORGANISER),
        (principal(Role.PROVINCE_STAFF, province="63"), None),
        (principal(Role.DISTRICT_STAFF, kabkota="73.71"), Reach.DISTRICT),
        (principal(Role.DISTRICT_STAFF, kabkota="73.72"), None),
        (principal(Role.MEMBER, person=PERSON), None),
        (principal(Role.PRINCIPAL, npsn="40311234"), None),
    ],
)
def test_who_reaches_a_training(caller: Principal, expected: Reach | None) -> None:
    assert rules.reach(caller, "73", ["73.71", "73.06"], participant=False) is expected


def test_a_registered_teacher_reads_the_training_and_no_one_else_changes_it() -> None:
    member = principal(Role.MEMBER, person=PERSON)
    assert rules.reach(member, "73", [], participant=True) is Reach.PARTICIPANT
    with pytest.raises(DomainError) as refused:
        rules.require_organiser(Reach.DISTRICT)
    assert status_of(refused.value) == 403
    with pytest.raises(DomainError) as hidden:
        rules.require_organiser(None)
    assert status_of(hidden.value) == 404


def test_staff_register_people_of_their_area_at_sessions_they_reach() -> None:
    district = principal(Role.DISTRICT_STAFF, kabkota="73.71")
    assert rules.may_register(district, Reach.DISTRICT, "73.71")
    assert not rules.may_register(district, Reach.DISTRICT, "73.06")
    assert rules.person_in_scope(district, {"kabkota_code": "73.71"})
    assert not rules.person_in_scope(district, {"kabkota_code": "73.06"})
    assert not rules.person_in_scope(district, {"kabkota_code": None})
    assert rules.person_in_scope(principal(Role.NATIONAL_ADMIN), {"kabkota_code": None})


def test_a_session_given_without_offset_is_in_the_local_time_of_its_place() -> None:
    # Makassar (73.71) is WITA: 08.00 there is 00.00 UTC.
    times = rules.session_times(
        datetime(2026, 5, 25, 8, 0), datetime(2026, 5, 25, 16, 0), "73.71", NOW
    )
    assert (times.start.utc, times.ends_at) == (
        datetime(2026, 5, 25, 0, 0, tzinfo=UTC),
        datetime(2026, 5, 25, 8, 0, tzinfo=UTC),
    )
    assert times.start.timezone.value == "WITA"


@pytest.mark.parametrize(
    ("end", "code"),
    [
        (datetime(2026, 5, 25, 7, 0), "end_before_start"),
        (datetime(2026, 6, 5, 8, 0), "session_too_long"),
    ],
)
def test_a_session_ends_after_it_starts_and_within_a_week(end: datetime, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        rules.session_times(datetime(2026, 5, 25, 8, 0), end, "73.71", NOW)
    assert refused.value.code == code


def test_a_new_start_alone_moves_the_whole_session() -> None:
    start = datetime(2026, 5, 25, 0, 0, tzinfo=UTC)
    moved = rules.moved_times(
        start, start + timedelta(hours=8), datetime(2026, 5, 26, 8, 0), None, "73.71", NOW
    )
    assert (moved.start.utc, moved.ends_at) == (
        datetime(2026, 5, 26, 0, 0, tzinfo=UTC),
        datetime(2026, 5, 26, 8, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("kabkota", "code"),
    [("12.34", "region_unknown"), ("63.71", "kabkota_outside_province")],
)
def test_a_session_is_held_in_the_province_of_its_training(kabkota: str, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        rules.session_region(kabkota, "73")
    assert (refused.value.code, status_of(refused.value)) == (code, 422)


def test_session_codes_are_readable_and_unique_in_the_training() -> None:
    assert rules.session_code("12.11", []) == "DAIRI"
    assert rules.session_code("73.71", []) == "KOTA-MAKASSAR"
    assert rules.session_code("12.11", ["dairi"]) == "DAIRI-2"
    assert rules.session_code("12.11", ["DAIRI", "DAIRI-2"]) == "DAIRI-3"
    with pytest.raises(DomainError) as refused:
        rules.check_code_free("DAIRI", ["dairi"])
    assert (refused.value.code, status_of(refused.value)) == ("session_code_taken", 409)


def test_capacity_never_falls_below_the_seats_taken() -> None:
    rules.check_capacity(10, 10)
    with pytest.raises(DomainError) as refused:
        rules.check_capacity(9, 10)
    assert (refused.value.code, status_of(refused.value)) == ("capacity_below_registered", 409)
    assert rules.seats_left({"capacity": 10, "registered": 12}) == 0


def test_registration_closes_at_its_time_and_with_the_training() -> None:
    training = {"status": "scheduled", "registration_closes_at": NOW}
    rules.check_registration_open(training, NOW - timedelta(seconds=1))
    for when, state in ((NOW, "scheduled"), (NOW - timedelta(days=1), "cancelled")):
        with pytest.raises(DomainError) as refused:
            rules.check_registration_open(training | {"status": state}, when)
        assert status_of(refused.value) == 409
    assert rules.registration_open({"status": "scheduled", "registration_closes_at": None}, NOW)


def test_a_closing_time_without_offset_is_the_provinces_local_time() -> None:
    closes = rules.closing_time(datetime(2026, 5, 20, 23, 59), "73", NOW)
    assert closes == datetime(2026, 5, 20, 15, 59, tzinfo=UTC)
    with pytest.raises(DomainError):
        rules.closing_time(datetime(2026, 5, 20), "99", NOW)
    with pytest.raises(DomainError) as refused:
        rules.closing_time(datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "73", NOW)
    assert refused.value.code == "closing_time_out_of_range"


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (datetime(1, 1, 1), datetime(2026, 5, 25, 8), "starts_at"),
        (datetime(2026, 5, 25, 8), datetime(1, 1, 1), "ends_at"),
        (datetime(9999, 12, 31, 23, tzinfo=UTC), datetime(9999, 12, 31, 23, 30), "starts_at"),
    ],
)
def test_times_at_the_edge_of_the_calendar_are_refused_not_crashed_on(
    start: datetime, end: datetime, field: str
) -> None:
    with pytest.raises(DomainError) as refused:
        rules.session_times(start, end, "73.71", NOW)
    assert status_of(refused.value) == 422
    assert refused.value.details
    assert refused.value.details[0]["field"] == field
    with pytest.raises(DomainError):
        rules.moved_times(NOW, NOW + timedelta(hours=1), datetime(1, 1, 1), None, "73.71", NOW)
    with pytest.raises(DomainError):
        rules.closing_time(datetime(1, 1, 1), "73", NOW)
