"""`GET /reporting/communities`: each role sees its part of the directory, page by page."""

from typing import Any

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkota, fresh_province
from membership.testing import created, person, school

pytestmark = pytest.mark.infra

URL = "/reporting/communities"


async def register(platform: RunningPlatform, kabkota: str, name: str) -> str:
    response = await platform.client.post(
        "/membership/communities",
        json={
            "name": name,
            "kind": "dalam_sekolah",
            "forum_type": "organik",
            "jenjang": ["SMA"],
            "kabkota_code": kabkota,
        },
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert response.status_code == 201, response.text
    community_id: str = response.json()["id"]
    return community_id


async def listing(platform: RunningPlatform, headers: dict[str, str], **params: Any) -> Any:
    response = await platform.client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_each_role_sees_only_its_scope(platform: RunningPlatform) -> None:
    province, (here, there, *_) = fresh_province()
    mine = await register(platform, here, "Warung Kopi SMAN 1")
    theirs = await register(platform, there, "Komunitas Guru Penggerak")
    admin = platform.auth(Role.NATIONAL_ADMIN)
    await eventually(
        lambda: listing(platform, admin, province=province), lambda page: page["total"] == 2
    )

    district = await listing(platform, platform.auth(Role.DISTRICT_STAFF, kabkota=here))
    assert [i["community_id"] for i in district["items"]] == [mine]
    # Asking for another kabupaten's communities finds nothing, not an error that leaks.
    foreign = await listing(
        platform, platform.auth(Role.DISTRICT_STAFF, kabkota=here), kabkota=there
    )
    assert foreign == {"items": [], "total": 0, "next": None}

    provincial = await listing(platform, platform.auth(Role.PROVINCE_STAFF, province=province))
    assert {i["community_id"] for i in provincial["items"]} == {mine, theirs}

    # A teacher sees the communities they belong to, as membership says, whatever their
    # token claims.
    npsn = await school(platform, there)
    teacher = await person(platform, npsn)
    await created(
        platform,
        f"/membership/communities/{theirs}/members",
        {"person_id": teacher["id"], "role": "penggerak"},
        admin,
    )
    as_teacher = platform.auth(Role.COMMUNITY_LEAD, person=teacher["id"], communities=[mine])
    lead = await eventually(lambda: listing(platform, as_teacher), lambda page: page["total"] == 1)
    assert [i["community_id"] for i in lead["items"]] == [theirs]
    assert (lead["items"][0]["members"], lead["items"][0]["active"]) == (1, False)

    member = await listing(platform, platform.auth(Role.MEMBER))
    assert member["total"] == 0


async def test_pages_follow_the_next_cursor_without_gaps(platform: RunningPlatform) -> None:
    kabkota = fresh_kabkota()
    created = {await register(platform, kabkota, f"KKG Gugus {n}") for n in range(7)}
    headers = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    await eventually(lambda: listing(platform, headers), lambda page: page["total"] == 7)

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = await listing(platform, headers, **params)
        assert page["total"] == 7
        seen += [i["community_id"] for i in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) == 7
    assert set(seen) == created

    searched = await listing(platform, headers, q="gugus 3")
    assert [i["name"] for i in searched["items"]] == ["KKG Gugus 3"]


async def test_a_broken_cursor_gets_a_clear_error(platform: RunningPlatform) -> None:
    response = await platform.client.get(
        URL, params={"cursor": "bukan-kursor"}, headers=platform.auth(Role.NATIONAL_ADMIN)
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"
