"""Rights within a community come from its memberships, not from the token: the token names
the person, and their current role in the community says what they may do there."""

from typing import Any

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkota
from membership.testing import community, created, csv_bytes, person, school

pytestmark = pytest.mark.infra


async def setting(platform: RunningPlatform) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A community of a fresh kabupaten/kota and three teachers of it, none a member yet."""
    kabkota = fresh_kabkota()
    npsn = await school(platform, kabkota)
    group = await community(platform, kabkota)
    teachers = [await person(platform, npsn, full_name=f"Guru {i}") for i in range(3)]
    return group, teachers


async def name(platform: RunningPlatform, group: dict[str, Any], teacher: str, role: str) -> None:
    await created(
        platform,
        f"/membership/communities/{group['id']}/members",
        {"person_id": teacher, "role": role},
        platform.auth(Role.NATIONAL_ADMIN),
    )


async def listed(platform: RunningPlatform, headers: dict[str, str]) -> set[str]:
    response = await platform.client.get(
        "/membership/communities", params={"limit": 500}, headers=headers
    )
    assert response.status_code == 200
    return {c["id"] for c in response.json()["items"]}


async def rename(platform: RunningPlatform, group: dict[str, Any], headers: dict[str, str]) -> int:
    response = await platform.client.patch(
        f"/membership/communities/{group['id']}",
        json={"name": f"{group['name']} Baru"},
        headers=headers,
    )
    return response.status_code


async def test_a_person_named_penggerak_leads_without_any_claim(
    platform: RunningPlatform,
) -> None:
    group, (lead, colleague, newcomer) = await setting(platform)
    await name(platform, group, lead["id"], "penggerak")
    headers = platform.auth(Role.MEMBER, person=lead["id"])
    base = f"/membership/communities/{group['id']}"

    assert group["id"] in await listed(platform, headers)
    assert await rename(platform, group, headers) == 200
    await created(platform, f"{base}/members", {"person_id": colleague["id"]}, headers)
    await created(platform, f"{base}/invitations", {"person_id": newcomer["id"]}, headers)

    # A member reads the community; a koordinator leads it too.
    member = platform.auth(Role.MEMBER, person=colleague["id"])
    assert (await platform.client.get(base, headers=member)).status_code == 200
    assert group["id"] in await listed(platform, member)
    assert await rename(platform, group, member) == 403
    promoted = await platform.client.patch(
        f"{base}/members/{colleague['id']}", json={"role": "koordinator"}, headers=headers
    )
    assert promoted.status_code == 200
    assert await rename(platform, group, member) == 200


async def test_a_lead_removed_from_the_community_loses_the_rights_at_once(
    platform: RunningPlatform,
) -> None:
    group, (leaving, staying, other) = await setting(platform)
    await name(platform, group, leaving["id"], "penggerak")
    await name(platform, group, staying["id"], "penggerak")
    headers = platform.auth(Role.COMMUNITY_LEAD, person=leaving["id"])
    base = f"/membership/communities/{group['id']}"
    assert await rename(platform, group, headers) == 200

    officer = platform.auth(Role.DISTRICT_STAFF, kabkota=group["kabkota_code"])
    removed = await platform.client.delete(f"{base}/members/{leaving['id']}", headers=officer)
    assert removed.status_code == 204

    # The same token, a moment later: the community is out of reach.
    assert await rename(platform, group, headers) == 404
    assert (await platform.client.get(base, headers=headers)).status_code == 404
    assert (await platform.client.get(f"{base}/members", headers=headers)).status_code == 404
    added = await platform.client.post(
        f"{base}/members", json={"person_id": other["id"]}, headers=headers
    )
    assert added.status_code == 404
    assert group["id"] not in await listed(platform, headers)
    refused = await platform.client.post(
        "/membership/imports/memberships",
        files={
            "file": ("a.csv", csv_bytes(["ID Komunitas", "NUPTK"], [group["id"], other["nuptk"]]))
        },
        headers=headers,
    )
    assert refused.status_code == 403

    # Stepping down to anggota keeps the reading and ends the leading.
    member = platform.auth(Role.COMMUNITY_LEAD, person=staying["id"])
    await name(platform, group, other["id"], "penggerak")
    stepped = await platform.client.patch(
        f"{base}/members/{staying['id']}", json={"role": "anggota"}, headers=officer
    )
    assert stepped.status_code == 200
    assert (await platform.client.get(base, headers=member)).status_code == 200
    assert await rename(platform, group, member) == 403


async def test_a_communities_claim_alone_grants_nothing(platform: RunningPlatform) -> None:
    group, (outsider, *_) = await setting(platform)
    base = f"/membership/communities/{group['id']}"
    for headers in (
        platform.auth(Role.COMMUNITY_LEAD, communities=[group["id"]]),
        platform.auth(Role.COMMUNITY_LEAD, communities=[group["id"]], person=outsider["id"]),
        platform.auth(Role.MEMBER, communities=[group["id"]], person=outsider["id"]),
    ):
        assert (await platform.client.get(base, headers=headers)).status_code == 404
        assert await rename(platform, group, headers) == 404
        added = await platform.client.post(
            f"{base}/members", json={"person_id": outsider["id"]}, headers=headers
        )
        assert added.status_code == 404
        assert group["id"] not in await listed(platform, headers)
        upload = await platform.client.post(
            "/membership/imports/memberships",
            files={
                "file": ("a.csv", csv_bytes(["ID Komunitas", "NUPTK"], [group["id"], "1" * 16]))
            },
            headers=headers,
        )
        assert upload.status_code == 403
