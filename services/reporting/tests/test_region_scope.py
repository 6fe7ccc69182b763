"""Who reads which region's summary, and how much of it (pure rules)."""

import pytest
from kombel_runtime.auth import Principal, Role
from kombel_runtime.errors import Forbidden, NotFound
from reporting.domain.region_scope import region_view


def who(role: Role, **scope: str) -> Principal:
    return Principal(subject="s", roles=frozenset({role}), **scope)  # type: ignore[arg-type]


def test_staff_read_their_region_and_district_staff_their_row_of_the_province() -> None:
    assert region_view(who(Role.NATIONAL_ADMIN), "12").only_kabkota is None
    assert region_view(who(Role.PROVINCE_STAFF, province="12"), "12.11").region.code == "12.11"
    district = who(Role.DISTRICT_STAFF, kabkota="12.11")
    assert region_view(district, "12").only_kabkota == "12.11"
    assert region_view(district, "12.11").only_kabkota is None


@pytest.mark.parametrize(
    ("principal", "code"),
    [
        (who(Role.PROVINCE_STAFF, province="12"), "13"),
        (who(Role.PROVINCE_STAFF, province="12"), "13.01"),
        (who(Role.DISTRICT_STAFF, kabkota="12.11"), "12.12"),
        (who(Role.DISTRICT_STAFF, kabkota="12.11"), "13"),
        (who(Role.COMMUNITY_LEAD), "12"),
        (who(Role.MEMBER), "12.11"),
    ],
)
def test_other_regions_are_refused(principal: Principal, code: str) -> None:
    with pytest.raises(Forbidden):
        region_view(principal, code)


@pytest.mark.parametrize("code", ["99", "12.99", "", "dua belas"])
def test_unknown_codes_are_not_found(code: str) -> None:
    with pytest.raises(NotFound) as raised:
        region_view(who(Role.NATIONAL_ADMIN), code)
    assert raised.value.code == "region_not_found"
