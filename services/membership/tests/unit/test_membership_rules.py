"""Community rules without I/O: schedules, details, and the last penggerak."""

from uuid import uuid4

import pytest
from kombel_events.membership import CommunityKind, ForumType, Frequency, MemberRole
from kombel_runtime.errors import Conflict, Invalid
from membership.domain.communities import MeetingTimes, check_details, schedule_in_place
from membership.domain.memberships import check_penggerak_kept


def test_a_schedule_takes_the_time_zone_of_its_place() -> None:
    thursday = MeetingTimes(Frequency.WEEKLY, 4, "16:00", "17:30")
    assert schedule_in_place(thursday, "63.03").timezone == "WITA"  # type: ignore[union-attr]
    assert schedule_in_place(thursday, "12.11").timezone == "WIB"  # type: ignore[union-attr]
    assert schedule_in_place(thursday, "95.01").timezone == "WIT"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "times",
    [
        MeetingTimes(Frequency.WEEKLY, 4, "17:30", "16:00"),
        MeetingTimes(Frequency.MONTHLY, 2, "09:00", "11:00"),
    ],
)
def test_impossible_schedules_are_refused(times: MeetingTimes) -> None:
    with pytest.raises(Invalid) as raised:
        schedule_in_place(times, "12.11")
    assert raised.value.code == "schedule_invalid"


def test_mgmp_needs_a_subject_and_a_school_community_one_host() -> None:
    with pytest.raises(Invalid) as missing:
        check_details(CommunityKind.ANTAR_SEKOLAH, ForumType.MGMP, None, [])
    assert missing.value.code == "subject_required"
    assert "mata pelajaran" in missing.value.message
    with pytest.raises(Invalid) as raised:
        check_details(
            CommunityKind.DALAM_SEKOLAH, ForumType.ORGANIK, None, ["10203040", "10203041"]
        )
    assert raised.value.code == "too_many_host_schools"
    check_details(
        CommunityKind.ANTAR_SEKOLAH, ForumType.MGMP, "Matematika", ["10203040", "10203041"]
    )


def test_the_last_penggerak_cannot_leave_or_step_down() -> None:
    lead, other = uuid4(), uuid4()
    roles = {lead: MemberRole.PENGGERAK, other: MemberRole.ANGGOTA}
    for new_role in (None, MemberRole.ANGGOTA):
        with pytest.raises(Conflict) as raised:
            check_penggerak_kept(roles, lead, new_role)
        assert raised.value.code == "last_penggerak"
    check_penggerak_kept(roles, other, None)
    check_penggerak_kept(roles | {other: MemberRole.PENGGERAK}, lead, None)
