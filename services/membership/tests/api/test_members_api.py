"""Communities and their members over HTTP: details, roles, history and reach."""

import random
from typing import Any

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.messaging_tables import outbox
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_kabkota, fresh_province, province_of
from sqlalchemy import select

pytestmark = pytest.mark.infra


async def post(
    platform: RunningPlatform, path: str, body: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    response = await platform.client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def setup(platform: RunningPlatform, kabkota: str) -> tuple[str, str, list[str]]:
    admin = platform.auth(Role.NATIONAL_ADMIN)
    npsn = f"{random.randint(10**7, 10**8 - 1)}"
    await post(
        platform,
        "/membership/schools",
        {
            "npsn": npsn,
            "name": "SMA Negeri 1",
            "jenjang": "SMA",
            "status": "negeri",
            "kabkota_code": kabkota,
        },
        admin,
    )
    people = [
        (
            await post(
                platform,
                "/membership/people",
                {"full_name": f"Guru {i}", "school_npsn": npsn},
                admin,
            )
        )["id"]
        for i in range(3)
    ]
    community = await post(
        platform,
        "/membership/communities",
        {
            "name": "Warung Kopi SMAN 1",
            "kind": "dalam_sekolah",
            "forum_type": "organik",
            "jenjang": ["SMA"],
            "kabkota_code": kabkota,
            "host_school_npsns": [npsn],
            "schedule": {"frequency": "mingguan", "weekday": 4, "start": "16:00", "end": "17:30"},
            "pmm_url": "https://guru.kemdikbud.go.id/komunitas/warung-kopi",
        },
        admin,
    )
    return community["id"], npsn, people


async def test_a_meeting_is_kept_in_the_time_zone_of_its_place(platform: RunningPlatform) -> None:
    kabkota = fresh_kabkota()
    community_id, npsn, _ = await setup(platform, kabkota)
    got = (
        await platform.client.get(
            f"/membership/communities/{community_id}", headers=platform.auth(Role.NATIONAL_ADMIN)
        )
    ).json()
    from kombel_events.regions import regions

    assert got["schedule"]["timezone"] == regions().get(province_of(kabkota)).timezone.value  # type: ignore[union-attr]
    assert got["schedule"]["start"] == "16:00"
    assert got["host_school_npsns"] == [npsn]


async def test_members_join_change_role_and_leave_with_history(platform: RunningPlatform) -> None:
    kabkota = fresh_kabkota()
    community_id, _, (first, second, third) = await setup(platform, kabkota)
    base = f"/membership/communities/{community_id}/members"
    await post(
        platform,
        base,
        {"person_id": first, "role": "penggerak", "since": "2026-01-05"},
        platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota),
    )
    # The penggerak leads by the data alone: the token names the person and nothing more.
    lead = platform.auth(Role.MEMBER, person=first)
    await post(platform, base, {"person_id": second, "since": "2026-02-01"}, lead)
    unchanged = await platform.client.patch(
        f"{base}/{second}", json={"role": "anggota"}, headers=lead
    )
    assert unchanged.json()["started_on"] == "2026-02-01", "an unchanged role keeps its start"
    again = await platform.client.post(base, json={"person_id": second}, headers=lead)
    assert again.status_code == 409

    stepping_down = await platform.client.patch(
        f"{base}/{first}", json={"role": "anggota"}, headers=lead
    )
    assert stepping_down.status_code == 409
    assert stepping_down.json()["error"]["code"] == "last_penggerak"
    leaving = await platform.client.delete(f"{base}/{first}", headers=lead)
    assert leaving.status_code == 409

    too_early = await platform.client.patch(
        f"{base}/{second}", json={"role": "koordinator", "since": "2026-01-01"}, headers=lead
    )
    assert too_early.json()["error"]["code"] == "date_before_start"
    promoted = await platform.client.patch(
        f"{base}/{second}", json={"role": "penggerak", "since": "2026-03-01"}, headers=lead
    )
    assert promoted.status_code == 200
    assert (
        await platform.client.delete(
            f"{base}/{first}", params={"until": "2026-03-31"}, headers=lead
        )
    ).status_code == 204
    # Having left, the former penggerak sees the community no more; the new one leads it.
    assert (await platform.client.get(base, headers=lead)).status_code == 404
    lead = platform.auth(Role.MEMBER, person=second)

    current = (await platform.client.get(base, headers=lead)).json()
    assert [(m["person_id"], m["role"]) for m in current] == [(second, "penggerak")]
    history = (await platform.client.get(base, params={"history": "true"}, headers=lead)).json()
    assert [(m["person_id"], m["role"], m["ended_on"]) for m in history] == [
        (first, "penggerak", "2026-03-31"),
        (second, "anggota", "2026-03-01"),
        (second, "penggerak", None),
    ]
    async with platform.runtime("membership").sessions() as session:
        types = (
            (
                await session.execute(
                    select(outbox.c.event_type)
                    .where(outbox.c.key == community_id)
                    .order_by(outbox.c.id)
                )
            )
            .scalars()
            .all()
        )
    assert [t.split(".")[-2] for t in types] == [
        "registered",
        "joined",
        "joined",
        "role_changed",
        "left",
    ]

    outsider = await platform.client.post(
        base, json={"person_id": third}, headers=platform.auth(Role.COMMUNITY_LEAD, person=third)
    )
    assert outsider.status_code == 404


async def test_who_sees_which_communities(platform: RunningPlatform) -> None:
    province, (here, there, *_) = fresh_province()
    mine, npsn, _ = await setup(platform, here)
    theirs, _, (their_teacher, *_) = await setup(platform, there)
    await post(
        platform,
        f"/membership/communities/{theirs}/members",
        {"person_id": their_teacher},
        platform.auth(Role.NATIONAL_ADMIN),
    )
    their_member = platform.auth(Role.MEMBER, person=their_teacher)

    def ids(page: dict[str, Any]) -> set[str]:
        return {c["id"] for c in page["items"]}

    async def listing(headers: dict[str, str]) -> dict[str, Any]:
        response = await platform.client.get(
            "/membership/communities", params={"province": province}, headers=headers
        )
        assert response.status_code == 200
        body: dict[str, Any] = response.json()
        return body

    assert ids(await listing(platform.auth(Role.PROVINCE_STAFF, province=province))) == {
        mine,
        theirs,
    }
    assert ids(await listing(platform.auth(Role.DISTRICT_STAFF, kabkota=here))) == {mine}
    assert ids(await listing(platform.auth(Role.PRINCIPAL, npsn=npsn))) == {mine}
    assert ids(await listing(their_member)) == {theirs}
    foreign = await platform.client.get(
        f"/membership/communities/{theirs}",
        headers=platform.auth(Role.DISTRICT_STAFF, kabkota=here),
    )
    assert foreign.status_code == 404
    changed = await platform.client.patch(
        f"/membership/communities/{theirs}",
        json={"name": "Diubah"},
        headers=their_member,
    )
    assert changed.status_code == 403

    archived = await platform.client.post(
        f"/membership/communities/{mine}/archive",
        headers=platform.auth(Role.DISTRICT_STAFF, kabkota=here),
    )
    assert archived.json()["status"] == "archived"
    assert ids(await listing(platform.auth(Role.DISTRICT_STAFF, kabkota=here))) == set()


async def test_mgmp_without_a_subject_is_refused(platform: RunningPlatform) -> None:
    response = await platform.client.post(
        "/membership/communities",
        json={
            "name": "MGMP Matematika",
            "kind": "antar_sekolah",
            "forum_type": "MGMP",
            "jenjang": ["SMP"],
            "kabkota_code": fresh_kabkota(),
        },
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "subject_required"


async def test_teachers_see_themselves_and_leads_their_members_without_contacts(
    platform: RunningPlatform,
) -> None:
    community_id, npsn, (first, second, third) = await setup(platform, fresh_kabkota())
    admin = platform.auth(Role.NATIONAL_ADMIN)
    base = f"/membership/communities/{community_id}/members"
    await post(platform, base, {"person_id": first, "role": "penggerak"}, admin)
    await post(platform, base, {"person_id": second}, admin)

    me = platform.auth(Role.MEMBER, person=third)
    assert (await platform.client.get(f"/membership/people/{third}", headers=me)).status_code == 200
    assert (await platform.client.get(f"/membership/people/{first}", headers=me)).status_code == 404
    own = (await platform.client.get("/membership/people", headers=me)).json()
    assert [p["id"] for p in own["items"]] == [third]

    # A lead sees the members' names, schools and roles, through the community only.
    lead = platform.auth(Role.COMMUNITY_LEAD, person=first)
    members = (await platform.client.get(base, headers=lead)).json()
    assert {(m["person_id"], m["school_npsn"], m["school_name"]) for m in members} == {
        (first, npsn, "SMA Negeri 1"),
        (second, npsn, "SMA Negeri 1"),
    }
    assert not {"nuptk", "nip", "email", "phone"} & set(members[0])
    seen = (await platform.client.get("/membership/people", headers=lead)).json()
    assert {p["id"] for p in seen["items"]} == {first}
    for path in (f"/membership/people/{second}", f"/membership/people/{second}/export"):
        assert (await platform.client.get(path, headers=lead)).status_code == 404
