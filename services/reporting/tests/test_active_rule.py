"""`GET`/`PUT`/`DELETE /reporting/active-rule`: the rule in force per province, who may set
it, and a change that makes communities active or not at once."""

from typing import Any

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_province, province_other_than

from .community_world import a_world, answer, directory_row, error_code

pytestmark = pytest.mark.infra

URL = "/reporting/active-rule"


async def test_a_province_sets_its_own_rule_and_its_communities_follow(
    platform: RunningPlatform,
) -> None:
    # A province of its own: its rule changes who is active there, for this test alone.
    province, (here, *_) = fresh_province()
    world = await a_world(platform, here, members=3)
    # Two activities with two members present: active by a rule of two, not by the default.
    await world.log(days_ago=4, present=2)
    await world.log(days_ago=9, present=2)
    await eventually(
        lambda: directory_row(platform, world.id),
        lambda row: row is not None and row["last_activity_at"] is not None,
    )
    staff = platform.auth(Role.PROVINCE_STAFF, province=province)
    summary = f"/reporting/regions/{here}/summary"

    async def active() -> bool:
        found = await answer(platform, summary, platform.auth(Role.DISTRICT_STAFF, kabkota=here))
        return bool(found["items"][0]["active"])

    rule = await answer(platform, URL, staff, province=province)
    assert rule | {"updated_at": None, "updated_by": None} == {
        "province_code": province,
        "min_activities": 2,
        "window_days": 60,
        "min_members_present": 3,
        "inherited": True,
        "updated_at": None,
        "updated_by": None,
        "recomputed": None,
    }
    national = await answer(platform, URL, platform.auth(Role.DISTRICT_STAFF, kabkota=here))
    assert (national["province_code"], national["inherited"]) == (None, False)
    assert await active() is False

    relaxed = {"min_activities": 2, "window_days": 30, "min_members_present": 2}
    response = await platform.client.put(
        URL, params={"province": province}, json=relaxed, headers=staff
    )
    assert response.status_code == 200, response.text
    assert response.json()["inherited"] is False
    assert response.json()["recomputed"] == 1
    assert await active() is True
    mine = await answer(platform, URL, staff, province=province)
    assert {k: mine[k] for k in relaxed} == relaxed
    assert mine["inherited"] is False

    # A national admin may set it too; back to the national default, the community is not.
    admin = platform.auth(Role.NATIONAL_ADMIN)
    stricter = relaxed | {"min_activities": 3}
    response = await platform.client.put(
        URL, params={"province": province}, json=stricter, headers=admin
    )
    assert response.status_code == 200, response.text
    assert await active() is False
    dropped = await platform.client.delete(URL, params={"province": province}, headers=staff)
    assert dropped.status_code == 204
    assert (await answer(platform, URL, staff, province=province))["inherited"] is True

    # Who may not, and what is not a rule.
    refused: list[tuple[dict[str, str], dict[str, Any]]] = [
        (platform.auth(Role.PROVINCE_STAFF, province=province), {}),  # the national rule
        (
            platform.auth(Role.PROVINCE_STAFF, province=province_other_than(province)),
            {"province": province},
        ),
        (platform.auth(Role.DISTRICT_STAFF, kabkota=here), {"province": province}),
    ]
    for headers, params in refused:
        status = await error_code(platform, URL, headers, method="PUT", json=relaxed, **params)
        assert status == (403, "forbidden"), params
    member = platform.auth(Role.MEMBER, person=world.members[0]["id"])
    assert await error_code(platform, URL, member) == (403, "forbidden")
    assert await error_code(platform, URL, admin, method="DELETE") == (
        409,
        "national_rule_required",
    )
    assert await error_code(platform, URL, admin, province="99") == (404, "region_not_found")
    for params in ({"province": "12.11"}, {"province": "x"}):
        assert await error_code(platform, URL, admin, **params) == (422, "validation_failed")
    for body in (
        relaxed | {"min_activities": 0},
        relaxed | {"window_days": 1000},
        relaxed | {"min_members_present": -1},
        relaxed | {"sampai": "kapan"},
        {"min_activities": 2},
    ):
        response = await platform.client.put(
            URL, params={"province": province}, json=body, headers=admin
        )
        assert response.status_code == 422, body
        error = response.json()["error"]
        assert error["code"] == "validation_failed"
        assert error["details"][0]["field"]
    assert await active() is False
