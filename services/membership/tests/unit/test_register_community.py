"""Who may register a community, and what is recorded (domain rules, no I/O)."""

import pytest
from kombel_events.membership import CommunityKind, ForumType, Jenjang
from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import Forbidden, status_of
from membership.domain.communities import RegisterCommunity, new_community

COMMAND = RegisterCommunity(
    name="MGMP Matematika SMP Dairi",
    kind=CommunityKind.ANTAR_SEKOLAH,
    forum_type=ForumType.MGMP,
    jenjang=[Jenjang.SMP, Jenjang.SMP],
    kabkota_code="12.11",
    subject_name="Matematika",
)


def principal(
    role: Role, province: str | None = None, kabkota: str | None = None, npsn: str | None = None
) -> Principal:
    return Principal(
        subject="s-1", roles=frozenset({role}), province=province, kabkota=kabkota, npsn=npsn
    )


def test_district_staff_register_in_their_kabupaten_and_the_event_says_so() -> None:
    community, event = new_community(principal(Role.DISTRICT_STAFF, kabkota="12.11"), COMMAND)
    assert community.province_code == "12"
    assert community.jenjang == [Jenjang.SMP], "a jenjang listed twice is kept once"
    assert community.status == "active"
    assert community.registered_by == "s-1"
    assert event.community_id == community.id
    assert event.subject() == str(community.id)
    assert (event.kabkota_code, event.forum_type) == ("12.11", ForumType.MGMP)


@pytest.mark.parametrize(
    ("who", "code"),
    [
        (principal(Role.DISTRICT_STAFF, kabkota="12.12"), "outside_scope"),
        (principal(Role.PROVINCE_STAFF, province="13"), "outside_scope"),
        (principal(Role.PRINCIPAL, npsn="10203040"), "forbidden"),
        (principal(Role.MEMBER), "forbidden"),
    ],
)
def test_others_are_refused_with_a_stable_code(who: Principal, code: str) -> None:
    with pytest.raises(Forbidden) as raised:
        new_community(who, COMMAND)
    assert status_of(raised.value) == 403
    assert raised.value.code == code
