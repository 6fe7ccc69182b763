"""A community's activities over HTTP: logged by its leads in the time of its place, read by
its members, attended, and guarded by rights that follow membership's data."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from kombel_events.regions import regions
from kombel_runtime.auth import Role
from kombel_runtime.messaging_tables import outbox
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkota, fresh_province
from membership.testing import community, created, person, school
from sqlalchemy import select

pytestmark = pytest.mark.infra

WITA_PROVINCE = "63"  # Kalimantan Selatan


async def a_community(platform: RunningPlatform, kabkota: str) -> dict[str, Any]:
    """A community with a penggerak, a member and an outsider of the same school, known to
    activities once its replica has them."""
    admin = platform.auth(Role.NATIONAL_ADMIN)
    npsn = await school(platform, kabkota, name="SMA Negeri 1 Karang Intan")
    lead = await person(platform, npsn, full_name="Rina Sitorus")
    member = await person(platform, npsn, full_name="Budi Santoso")
    outsider = await person(platform, npsn, full_name="Sari Dewi")
    group = await community(platform, kabkota)
    members = f"/membership/communities/{group['id']}/members"
    since = {"since": "2026-01-05"}
    await created(platform, members, {"person_id": lead["id"], "role": "penggerak"} | since, admin)
    await created(platform, members, {"person_id": member["id"]} | since, admin)
    lead_token = platform.auth(Role.MEMBER, person=lead["id"])
    member_token = platform.auth(Role.MEMBER, person=member["id"])

    async def listing() -> list[int]:
        return [
            (
                await platform.client.get(
                    f"/activities/communities/{group['id']}/activities", headers=token
                )
            ).status_code
            for token in (lead_token, member_token)
        ]

    await eventually(listing, lambda found: found == [200, 200], timeout_s=30)
    return {
        "community": group,
        "kabkota": kabkota,
        "lead": lead,
        "member": member,
        "outsider": outsider,
        "as_lead": lead_token,
        "as_member": member_token,
        "as_outsider": platform.auth(Role.MEMBER, person=outsider["id"]),
    }


def meeting(**changes: Any) -> dict[str, Any]:
    return {
        "title": "Refleksi hasil Rapor Pendidikan",
        "phase": "refleksi_awal",
        "starts_at": "2026-05-28T16:00:00",
        "duration_minutes": 90,
        "mode": "luring",
        "place": "Ruang guru",
        "topic": "Literasi membaca kelas X",
        "minutes": "Membahas hasil asesmen.\nSepakat mencoba asesmen diagnostik.",
        "follow_ups": [{"what": "Uji coba asesmen diagnostik", "who": "Bu Rina"}],
    } | changes


async def test_a_lead_logs_in_local_time_members_read_and_others_see_nothing(
    platform: RunningPlatform,
) -> None:
    kabkota = regions().kabkota_of(WITA_PROVINCE)[0].code
    world = await a_community(platform, kabkota)
    base = f"/activities/communities/{world['community']['id']}/activities"

    logged = await platform.client.post(base, json=meeting(), headers=world["as_lead"])
    assert logged.status_code == 201, logged.text
    activity = logged.json()
    # 16.00 WITA is 08.00 UTC.
    assert (activity["starts_at"], activity["timezone"]) == ("2026-05-28T08:00:00Z", "WITA")
    assert activity["local_start"] == "2026-05-28T16:00:00+08:00"
    one = f"/activities/activities/{activity['id']}"

    assert (await platform.client.get(one, headers=world["as_member"])).status_code == 200
    refused = await platform.client.post(base, json=meeting(), headers=world["as_member"])
    assert refused.status_code == 403
    for outsider in (
        world["as_outsider"],
        platform.auth(Role.DISTRICT_STAFF, kabkota=regions().kabkota_of(WITA_PROVINCE)[1].code),
        platform.auth(Role.COMMUNITY_LEAD, communities=[world["community"]["id"]]),
    ):
        assert (await platform.client.get(one, headers=outsider)).status_code == 404
        assert (await platform.client.get(base, headers=outsider)).status_code == 404
    staff = platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota)
    changed = await platform.client.patch(one, json={"phase": "perencanaan"}, headers=staff)
    assert changed.json()["phase"] == "perencanaan"

    page = (await platform.client.get(base, params={"phase": "perencanaan"}, headers=staff)).json()
    assert (page["total"], [a["id"] for a in page["items"]]) == (1, [activity["id"]])
    empty = (await platform.client.get(base, params={"mode": "daring"}, headers=staff)).json()
    assert empty["total"] == 0

    # Pages run from the latest start back, one at a time.
    for day in ("2026-05-21", "2026-06-04"):
        body = meeting(starts_at=f"{day}T16:00:00")
        assert (await platform.client.post(base, json=body, headers=staff)).status_code == 201
    starts, cursor = [], None
    while True:
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = (await platform.client.get(base, params=params, headers=staff)).json()
        starts += [a["local_start"][:10] for a in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert starts == ["2026-06-04", "2026-05-28", "2026-05-21"]

    async with platform.runtime("activities").sessions() as session:
        types = (
            (
                await session.execute(
                    select(outbox.c.event_type).where(outbox.c.key == world["community"]["id"])
                )
            )
            .scalars()
            .all()
        )
    assert {t.split(".")[-2] for t in types} == {"logged", "changed"}


async def test_mistakes_are_named_in_indonesian(platform: RunningPlatform) -> None:
    kabkota = fresh_kabkota()
    world = await a_community(platform, kabkota)
    base = f"/activities/communities/{world['community']['id']}/activities"
    cases = [
        (meeting(phase="refleksi"), "phase", "pilih salah satu"),
        (meeting(ends_at="2026-05-28T15:00:00"), "ends_at", "setelah waktu mulai"),
        (meeting(starts_at="2036-05-28T16:00:00"), "starts_at", "setahun"),
        (meeting(mode="daring", place=None), "meeting_url", "tautan"),
        (meeting(good_practice=True), "good_practice_summary", "ringkasan"),
    ]
    for body, field, words in cases:
        response = await platform.client.post(base, json=body, headers=world["as_lead"])
        assert response.status_code == 422, (field, response.text)
        error = response.json()["error"]
        assert words in (error["message"] + str(error.get("details"))), (field, error)
        assert field in {d.get("field") for d in error.get("details", [])}, (field, error)
    speakers = [{"person_id": world["member"]["id"]}, {"name": "Pak Hasan, pengawas"}]
    spoken = await platform.client.post(
        base, json=meeting(speakers=speakers), headers=world["as_lead"]
    )
    assert spoken.status_code == 201, spoken.text
    assert spoken.json()["speakers"] == [
        {"person_id": world["member"]["id"], "name": None},
        {"person_id": None, "name": "Pak Hasan, pengawas"},
    ]
    stranger = meeting(speakers=[{"person_id": world["outsider"]["id"]}])
    refused = await platform.client.post(base, json=stranger, headers=world["as_lead"])
    assert refused.json()["error"]["code"] == "speaker_not_member"
    nulled = await platform.client.post(base, json=meeting(), headers=world["as_lead"])
    one = f"/activities/activities/{nulled.json()['id']}"
    refused = await platform.client.patch(one, json={"title": None}, headers=world["as_lead"])
    assert refused.json()["error"]["details"][0]["code"] == "null_not_allowed"


async def test_attendance_counts_members_on_that_date_and_guests(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    world = await a_community(platform, kabkota)
    base = f"/activities/communities/{world['community']['id']}/activities"
    now = datetime.now(ZoneInfo(regions().get(kabkota).timezone.iana))  # type: ignore[union-attr]
    body = meeting(starts_at=now.replace(tzinfo=None, microsecond=0).isoformat())
    activity = (await platform.client.post(base, json=body, headers=world["as_lead"])).json()
    attendance = f"/activities/activities/{activity['id']}/attendance"

    refused = await platform.client.put(
        attendance, json={"person_ids": [world["outsider"]["id"]]}, headers=world["as_lead"]
    )
    assert refused.json()["error"]["code"] == "not_members_on_that_date"
    recorded = await platform.client.put(
        attendance,
        json={"person_ids": [world["lead"]["id"]], "guest_names": ["Pak Hasan (pengawas)"]},
        headers=world["as_lead"],
    )
    assert recorded.status_code == 200, recorded.text
    mine = await platform.client.post(f"{attendance}/me", headers=world["as_member"])
    assert mine.status_code == 200, mine.text
    result = mine.json()
    assert {m["full_name"] for m in result["members"]} == {"Rina Sitorus", "Budi Santoso"}
    assert (result["guests"], result["attendees"]) == (1, 3)
    listed = (await platform.client.get(base, headers=world["as_member"])).json()
    assert [a["attendees"] for a in listed["items"] if a["id"] == activity["id"]] == [3]
    assert not {"email", "phone", "nuptk"} & set(result["members"][0])
    outsider = await platform.client.post(f"{attendance}/me", headers=world["as_outsider"])
    assert outsider.status_code == 404

    # At the end of a meeting, from a phone: the activity and who came, in one request.
    together = meeting(
        attendance={"person_ids": [world["lead"]["id"], world["member"]["id"]], "guests": 2}
    )
    logged = await platform.client.post(base, json=together, headers=world["as_lead"])
    assert logged.json()["attendees"] == 4
    exported = await platform.client.get(
        f"/activities/people/{world['member']['id']}/export", headers=world["as_member"]
    )
    assert {a["activity_id"] for a in exported.json()["attended"]} == {
        activity["id"],
        logged.json()["id"],
    }
    assert (
        await platform.client.get(
            f"/activities/people/{world['member']['id']}/export", headers=world["as_outsider"]
        )
    ).status_code == 404

    # Erased in membership: gone from the list, still counted.
    erased = await platform.client.post(
        f"/membership/people/{world['member']['id']}/erase",
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert erased.status_code == 200
    after = await eventually(
        lambda: _json(platform, attendance, world["as_lead"]),
        lambda body: body["erased"] == 1,
    )
    assert [m["full_name"] for m in after["members"]] == ["Rina Sitorus"]
    assert after["attendees"] == 3


async def test_a_member_removed_in_membership_can_no_longer_log(
    platform: RunningPlatform,
) -> None:
    kabkota = fresh_kabkota()
    world = await a_community(platform, kabkota)
    base = f"/activities/communities/{world['community']['id']}/activities"
    admin = platform.auth(Role.NATIONAL_ADMIN)
    members = f"/membership/communities/{world['community']['id']}/members"
    promoted = await platform.client.patch(
        f"{members}/{world['member']['id']}", json={"role": "koordinator"}, headers=admin
    )
    assert promoted.status_code == 200

    async def status(headers: dict[str, str]) -> int:
        response = await platform.client.post(base, json=meeting(), headers=headers)
        return response.status_code

    await eventually(lambda: status(world["as_member"]), lambda s: s == 201)
    removed = await platform.client.delete(f"{members}/{world['member']['id']}", headers=admin)
    assert removed.status_code == 204
    started = datetime.now(UTC)
    await eventually(lambda: status(world["as_member"]), lambda s: s == 404, timeout_s=10)
    assert datetime.now(UTC) - started < timedelta(seconds=10)
    assert await status(world["as_lead"]) == 201


async def _json(platform: RunningPlatform, path: str, headers: dict[str, str]) -> Any:
    return (await platform.client.get(path, headers=headers)).json()


async def test_staff_of_the_province_search_and_feature_good_practice(
    platform: RunningPlatform,
) -> None:
    province, (kabkota, *_) = fresh_province()
    world = await a_community(platform, kabkota)
    base = f"/activities/communities/{world['community']['id']}/activities"
    shared = meeting(
        title="Asesmen diagnostik literasi kelas X",
        good_practice=True,
        good_practice_summary="Guru memetakan kemampuan membaca murid sebelum pembelajaran.",
        attendance={"person_ids": [world["lead"]["id"]], "guests": 1},
    )
    activity = (await platform.client.post(base, json=shared, headers=world["as_lead"])).json()
    await platform.client.post(base, json=meeting(), headers=world["as_lead"])

    staff = platform.auth(Role.PROVINCE_STAFF, province=province)
    found = await platform.client.get(
        "/activities/good-practices", params={"q": "kemampuan membaca"}, headers=staff
    )
    assert [(a["id"], a["attendees"]) for a in found.json()["items"]] == [(activity["id"], 2)]
    elsewhere = platform.auth(Role.PROVINCE_STAFF, province=fresh_province()[0])
    nothing = await platform.client.get("/activities/good-practices", headers=elsewhere)
    assert nothing.json()["total"] == 0
    members = await platform.client.get("/activities/good-practices", headers=world["as_lead"])
    assert members.status_code == 403

    path = f"/activities/activities/{activity['id']}/feature"
    assert (await platform.client.post(path, json={}, headers=elsewhere)).status_code == 404
    featured = await platform.client.post(path, json={}, headers=staff)
    assert featured.json()["featured"] is True
    listed = await platform.client.get(
        "/activities/good-practices", params={"featured": "true"}, headers=staff
    )
    assert [a["id"] for a in listed.json()["items"]] == [activity["id"]]
