"""`POST /membership/communities` over HTTP: validation, authentication and scope."""

import random
import uuid

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.messaging_tables import outbox
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkota, neighbour_of
from sqlalchemy import func, select

pytestmark = pytest.mark.infra

URL = "/membership/communities"


def body(kabkota: str, **changes: object) -> dict[str, object]:
    return {
        "name": f"KKG Gugus {uuid.uuid4().hex[:8]}",
        "kind": "antar_sekolah",
        "forum_type": "KKG",
        "jenjang": ["SD"],
        "kabkota_code": kabkota,
    } | changes


async def outbox_rows(platform: RunningPlatform) -> int:
    async with platform.runtime("membership").sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(outbox)) or 0)


async def test_registering_answers_201_with_the_community(platform: RunningPlatform) -> None:
    kabkota = fresh_kabkota()
    response = await platform.client.post(
        URL, json=body(kabkota), headers=platform.auth(Role.PROVINCE_STAFF, province=kabkota[:2])
    )
    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"] == f"{URL}/{created['id']}"
    assert created["province_code"] == kabkota[:2]
    assert created["status"] == "active"


async def test_without_a_token_the_answer_is_401_in_indonesian(platform: RunningPlatform) -> None:
    for headers in ({}, {"Authorization": "Bearer rusak"}, {"Authorization": "Basic eDp5"}):
        response = await platform.client.post(URL, json=body("12.11"), headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error"]["code"] == "unauthenticated"


async def test_invalid_fields_are_named_and_nothing_is_recorded(platform: RunningPlatform) -> None:
    before = await outbox_rows(platform)
    response = await platform.client.post(
        URL,
        json=body("12-11", kind="sekolah", jenjang=[], name="x", email="budi@example.com"),
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    fields = {d["field"]: d["code"] for d in error["details"]}
    assert fields == {
        "name": "string_too_short",
        "kind": "enum",
        "jenjang": "too_short",
        "kabkota_code": "string_pattern_mismatch",
        "email": "extra_forbidden",
    }
    assert "budi@example.com" not in response.text
    assert await outbox_rows(platform) == before


async def test_district_staff_cannot_register_in_another_kabupaten(
    platform: RunningPlatform,
) -> None:
    here = fresh_kabkota()
    there = neighbour_of(here)  # the registration there is refused: nothing is written
    before = await outbox_rows(platform)
    response = await platform.client.post(
        URL, json=body(there), headers=platform.auth(Role.DISTRICT_STAFF, kabkota=here)
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "outside_scope"
    assert there in response.json()["error"]["message"]
    assert await outbox_rows(platform) == before


async def test_one_name_per_active_community_in_a_kabupaten(platform: RunningPlatform) -> None:
    kabkota, elsewhere = fresh_kabkota(), fresh_kabkota()
    admin = platform.auth(Role.NATIONAL_ADMIN)
    first = await platform.client.post(
        URL, json=body(kabkota, name="KKG Gugus 3 Sidikalang"), headers=admin
    )
    assert first.status_code == 201
    again = await platform.client.post(
        URL, json=body(kabkota, name="kkg gugus  3 SIDIKALANG"), headers=admin
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "community_exists"
    assert again.json()["error"]["details"] == [{"existing_id": first.json()["id"]}]
    there = await platform.client.post(
        URL, json=body(elsewhere, name="KKG Gugus 3 Sidikalang"), headers=admin
    )
    assert there.status_code == 201, "another kabupaten/kota may use the name"

    other = await platform.client.post(URL, json=body(kabkota, name="KKG Gugus 4"), headers=admin)
    renamed = await platform.client.patch(
        f"{URL}/{other.json()['id']}", json={"name": "KKG Gugus 3 Sidikalang"}, headers=admin
    )
    assert renamed.status_code == 409
    assert renamed.json()["error"]["code"] == "community_exists"

    archived = await platform.client.post(f"{URL}/{first.json()['id']}/archive", headers=admin)
    assert archived.status_code == 200
    reused = await platform.client.post(
        URL, json=body(kabkota, name="KKG Gugus 3 Sidikalang"), headers=admin
    )
    assert reused.status_code == 201, "an archived community's name is free again"


async def test_a_school_community_keeps_one_host_school_when_changed(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    admin = platform.auth(Role.NATIONAL_ADMIN)
    hosts = []
    for _ in range(2):
        npsn = str(random.randint(10**7, 10**8 - 1))
        school = await platform.client.post(
            "/membership/schools",
            json={
                "npsn": npsn,
                "name": f"SD Negeri {npsn[-3:]}",
                "jenjang": "SD",
                "status": "negeri",
                "kabkota_code": kabkota,
            },
            headers=admin,
        )
        assert school.status_code == 201
        hosts.append(npsn)
    community = await platform.client.post(
        URL,
        json=body(kabkota, kind="dalam_sekolah", forum_type="organik", host_school_npsns=hosts[:1]),
        headers=admin,
    )
    assert community.status_code == 201
    changed = await platform.client.patch(
        f"{URL}/{community.json()['id']}", json={"host_school_npsns": hosts}, headers=admin
    )
    assert changed.status_code == 422
    assert changed.json()["error"]["code"] == "too_many_host_schools"
