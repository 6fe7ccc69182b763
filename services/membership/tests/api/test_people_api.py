"""Schools and people over HTTP: each role's reach, duplicates, merge and personal data."""

import random
import uuid
from typing import Any

import asyncpg
import pytest
from kombel_events.regions import regions
from kombel_runtime.auth import Role
from kombel_runtime.bulk import copy_records
from kombel_runtime.errors import is_unique_violation
from kombel_runtime.messaging_tables import outbox
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import (
    fresh_kabkota,
    fresh_kabkotas,
    fresh_province,
    province_of,
)
from membership.db.tables import audit_log, schools
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

pytestmark = pytest.mark.infra


def npsn() -> str:
    return f"{random.randint(10_000_000, 99_999_999)}"


def nuptk() -> str:
    return "".join(random.choices("0123456789", k=16))


def phone() -> str:
    return "0812" + "".join(random.choices("0123456789", k=8))


async def school(platform: RunningPlatform, kabkota: str) -> str:
    code = npsn()
    response = await platform.client.post(
        "/membership/schools",
        json={
            "npsn": code,
            "name": f"SD Negeri {code[-3:]}",
            "jenjang": "SD",
            "status": "negeri",
            "kabkota_code": kabkota,
        },
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert response.status_code == 201, response.text
    return code


async def person(platform: RunningPlatform, school_npsn: str, **fields: Any) -> dict[str, Any]:
    response = await platform.client.post(
        "/membership/people",
        json={"full_name": "Rina Sitorus", "school_npsn": school_npsn, "nuptk": nuptk()} | fields,
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_a_school_gets_its_province_from_the_kabupaten_name(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    name = regions().get(kabkota).display_name  # type: ignore[union-attr]
    code = npsn()
    response = await platform.client.post(
        "/membership/schools",
        json={
            "npsn": code,
            "name": "SMK Swasta Karya",
            "jenjang": "smk",
            "status": "Swasta",
            "kabkota_code": name,
        },
        headers=platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota),
    )
    assert response.status_code == 201, response.text
    assert response.json()["kabkota_code"] == kabkota
    assert response.json()["province_code"] == kabkota[:2]
    again = await platform.client.post(
        "/membership/schools",
        json={
            "npsn": code,
            "name": "SMK Swasta Karya",
            "jenjang": "SMK",
            "status": "swasta",
            "kabkota_code": kabkota,
        },
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "school_exists"


async def test_people_are_normalised_and_announced(platform: RunningPlatform) -> None:
    code = await school(platform, fresh_kabkota())
    created = await person(
        platform,
        code,
        email=" Rina@Example.SCH.id ",
        phone="+62 812-3456-0000",
        position="Kepala Sekolah",
    )
    assert created["email"] == "rina@example.sch.id"
    assert created["phone"] == "+6281234560000"
    assert created["position"] == "kepala_sekolah"
    async with platform.runtime("membership").sessions() as session:
        types = (
            (
                await session.execute(
                    select(outbox.c.event_type).where(outbox.c.key == created["id"])
                )
            )
            .scalars()
            .all()
        )
    assert types == ["kombel.membership.person.registered.v1"]


async def test_duplicates_are_found_by_nuptk_then_email_then_phone(
    platform: RunningPlatform,
) -> None:
    code = await school(platform, fresh_kabkota())
    first = await person(platform, code, email=f"{uuid.uuid4().hex[:8]}@example.id", phone=phone())
    for field in ("nuptk", "email", "phone"):
        response = await platform.client.post(
            "/membership/people",
            json={"full_name": "Orang Lain", "school_npsn": code, field: first[field]},
            headers=platform.auth(Role.NATIONAL_ADMIN),
        )
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "person_duplicate"
        assert error["details"] == [{"existing_id": first["id"], "matched_on": field}]
        assert first[field] not in response.text.replace(first["id"], "")


async def test_a_district_sees_and_changes_only_its_own_people(platform: RunningPlatform) -> None:
    province, (mine, theirs, *_) = fresh_province()
    here, there = await school(platform, mine), await school(platform, theirs)
    own, foreign = await person(platform, here), await person(platform, there)
    district = platform.auth(Role.DISTRICT_STAFF, kabkota=mine)

    listed = (
        await platform.client.get(
            "/membership/people", params={"province": province}, headers=district
        )
    ).json()
    assert [p["id"] for p in listed["items"]] == [own["id"]]
    for method, path, body in [
        ("GET", f"/membership/people/{foreign['id']}", None),
        ("PATCH", f"/membership/people/{foreign['id']}", {"full_name": "Diubah"}),
        ("GET", f"/membership/people/{foreign['id']}/export", None),
        ("POST", f"/membership/people/{foreign['id']}/erase", None),
    ]:
        response = await platform.client.request(method, path, json=body, headers=district)
        assert response.status_code == 404, (method, path)
    moved = await platform.client.post(
        "/membership/people",
        json={"full_name": "Guru Baru", "school_npsn": there},
        headers=district,
    )
    assert moved.status_code == 403
    assert moved.json()["error"]["code"] == "outside_scope"

    provincial = platform.auth(Role.PROVINCE_STAFF, province=province)
    both = (
        await platform.client.get(
            "/membership/people", params={"province": province}, headers=provincial
        )
    ).json()
    assert {p["id"] for p in both["items"]} == {own["id"], foreign["id"]}
    head = platform.auth(Role.PRINCIPAL, npsn=here)
    school_only = (await platform.client.get("/membership/people", headers=head)).json()
    assert [p["id"] for p in school_only["items"]] == [own["id"]]
    member = (
        await platform.client.get("/membership/people", headers=platform.auth(Role.MEMBER))
    ).json()
    assert member["total"] == 0


async def test_merge_keeps_one_person_with_both_identities(platform: RunningPlatform) -> None:
    code = await school(platform, fresh_kabkota())
    keeper = await person(platform, code)
    duplicate = await person(platform, code, nuptk=None, email=f"{uuid.uuid4().hex[:8]}@example.id")
    admin = platform.auth(Role.NATIONAL_ADMIN)
    response = await platform.client.post(
        f"/membership/people/{duplicate['id']}/merge", json={"into": keeper["id"]}, headers=admin
    )
    assert response.status_code == 200, response.text
    assert response.json()["email"] == duplicate["email"]
    assert response.json()["nuptk"] == keeper["nuptk"]
    gone = (
        await platform.client.get(f"/membership/people/{duplicate['id']}", headers=admin)
    ).json()
    assert (gone["status"], gone["merged_into"], gone["email"]) == ("merged", keeper["id"], None)


async def test_export_and_erasure_of_personal_data_are_audited(platform: RunningPlatform) -> None:
    code = await school(platform, fresh_kabkota())
    someone = await person(
        platform, code, email=f"{uuid.uuid4().hex[:8]}@example.id", phone=phone()
    )
    admin = platform.auth(Role.NATIONAL_ADMIN, subject="petugas-pdp")
    exported = (
        await platform.client.get(f"/membership/people/{someone['id']}/export", headers=admin)
    ).json()
    assert exported["person"]["email"] == someone["email"]
    assert [c["action"] for c in exported["changes"]] == ["person.registered"]

    erased = await platform.client.post(f"/membership/people/{someone['id']}/erase", headers=admin)
    assert erased.status_code == 200
    body = erased.json()
    assert (body["status"], body["email"], body["phone"], body["nuptk"]) == (
        "erased",
        None,
        None,
        None,
    )
    assert "Rina" not in body["full_name"]
    async with platform.runtime("membership").sessions() as session:
        events = (
            (
                await session.execute(
                    select(outbox.c.event_type)
                    .where(outbox.c.key == someone["id"])
                    .order_by(outbox.c.id)
                )
            )
            .scalars()
            .all()
        )
        actions = (
            (
                await session.execute(
                    select(audit_log.c.action)
                    .where(audit_log.c.actor == "petugas-pdp")
                    .order_by(audit_log.c.id)
                )
            )
            .scalars()
            .all()
        )
    assert events[-1] == "kombel.membership.person.erased.v1"
    assert actions == ["person.exported", "person.erased"]


async def test_idempotency_key_replays_the_first_answer(platform: RunningPlatform) -> None:
    code = await school(platform, fresh_kabkota())
    headers = platform.auth(Role.NATIONAL_ADMIN) | {"Idempotency-Key": str(uuid.uuid4())}
    body = {"full_name": "Sekali Saja", "school_npsn": code, "nuptk": nuptk()}
    first = await platform.client.post("/membership/people", json=body, headers=headers)
    second = await platform.client.post("/membership/people", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    reused = await platform.client.post(
        "/membership/people", json=body | {"full_name": "Lain"}, headers=headers
    )
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


async def test_schools_are_seen_and_changed_within_scope_only(platform: RunningPlatform) -> None:
    # The district lists its own kabupaten/kota only: the province's others may be other tests'.
    mine, theirs = fresh_kabkotas(2)
    province = province_of(mine)
    here, there = await school(platform, mine), await school(platform, theirs)
    district = platform.auth(Role.DISTRICT_STAFF, kabkota=mine)
    listed = (
        await platform.client.get(
            "/membership/schools", params={"province": province}, headers=district
        )
    ).json()
    assert [s["npsn"] for s in listed["items"]] == [here]
    assert (
        await platform.client.get(f"/membership/schools/{there}", headers=district)
    ).status_code == 404
    changed = await platform.client.patch(
        f"/membership/schools/{there}", json={"name": "Diubah"}, headers=district
    )
    assert changed.status_code == 404
    renamed = await platform.client.patch(
        f"/membership/schools/{here}", json={"name": "SD Negeri Teladan"}, headers=district
    )
    assert renamed.json()["name"] == "SD Negeri Teladan"

    head = platform.auth(Role.PRINCIPAL, npsn=here)
    assert [
        s["npsn"]
        for s in (await platform.client.get("/membership/schools", headers=head)).json()["items"]
    ] == [here]
    refused = await platform.client.patch(
        f"/membership/schools/{here}", json={"name": "Lain"}, headers=head
    )
    assert refused.status_code == 403
    async with platform.runtime("membership").sessions() as session:
        types = (
            (
                await session.execute(
                    select(outbox.c.event_type).where(outbox.c.key == here).order_by(outbox.c.id)
                )
            )
            .scalars()
            .all()
        )
    assert types == [
        "kombel.membership.school.registered.v1",
        "kombel.membership.school.updated.v1",
    ]


async def test_a_broken_people_cursor_is_a_clear_error(platform: RunningPlatform) -> None:
    import base64
    import json

    cursor = base64.urlsafe_b64encode(json.dumps(["bukan-uuid"]).encode()).decode()
    response = await platform.client.get(
        "/membership/people", params={"cursor": cursor}, headers=platform.auth(Role.NATIONAL_ADMIN)
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


async def test_school_pages_follow_the_next_cursor(platform: RunningPlatform) -> None:
    kabkota = fresh_kabkota()
    created = {await school(platform, kabkota) for _ in range(5)}
    headers = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        page = (
            await platform.client.get("/membership/schools", params=params, headers=headers)
        ).json()
        assert page["total"] == 5
        seen += [s["npsn"] for s in page["items"]]
        if page["next"] is None:
            break
        params["cursor"] = page["next"]
    assert seen == sorted(created)


async def test_unique_violations_are_recognised_through_sqlalchemy_and_copy(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    code = await school(platform, kabkota)
    runtime = platform.runtime("membership")
    again = {
        "npsn": code,
        "name": "SD Kembar",
        "jenjang": "SD",
        "status": "negeri",
        "province_code": kabkota[:2],
        "kabkota_code": kabkota,
    }
    async with runtime.sessions() as session:
        with pytest.raises(IntegrityError) as through_orm:
            async with session.begin():
                await session.execute(schools.insert().values(**again))
    assert is_unique_violation(through_orm.value)
    async with runtime.sessions() as session:
        with pytest.raises(asyncpg.UniqueViolationError) as through_copy:
            async with session.begin():
                await copy_records(session, "schools", [again])
    assert is_unique_violation(through_copy.value)
