"""Trainings (bimtek) and their sessions over HTTP: scheduled by the province's staff in the
local time of each site, read by the districts that host a session, hidden from everyone
else, changed and cancelled with their events in the outbox."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.messaging_tables import outbox
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import fresh_province
from sqlalchemy import select

pytestmark = pytest.mark.infra

SULSEL = "73"  # Sulawesi Selatan, WITA
MAKASSAR, GOWA, PAREPARE = "73.71", "73.06", "73.72"
# A month ahead, whatever the day the tests run: registration is still open then.
DAY = (datetime.now(UTC) + timedelta(days=30)).date()
NEXT_DAY = DAY + timedelta(days=1)
CLOSES = DAY - timedelta(days=5)


def training_body(province: str, **changes: Any) -> dict[str, Any]:
    return {
        "title": "Bimtek Penggerak Komunitas Belajar",
        "organiser": "BBGP Sulawesi Selatan",
        "province_code": province,
        "audience": "Penggerak komunitas belajar PAUD sampai SMK",
        "registration_closes_at": f"{CLOSES}T23:59:00",
        "description": "Satu hari di tiap kabupaten/kota.",
    } | changes


def session_body(kabkota: str, **changes: Any) -> dict[str, Any]:
    return {
        "kabkota_code": kabkota,
        "venue": "Aula Dinas Pendidikan",
        "starts_at": f"{DAY}T08:00:00",
        "ends_at": f"{DAY}T16:00:00",
        "capacity": 150,
    } | changes


async def a_training(
    platform: RunningPlatform, province: str, *kabkotas: str, **changes: Any
) -> dict[str, Any]:
    """A training of the province, scheduled by its staff, with a session in each
    kabupaten/kota given; the training as read back, with its sessions."""
    staff = platform.auth(Role.PROVINCE_STAFF, province=province)
    created = await platform.client.post(
        "/activities/trainings", json=training_body(province, **changes), headers=staff
    )
    assert created.status_code == 201, created.text
    training = created.json()
    for kabkota in kabkotas:
        added = await platform.client.post(
            f"/activities/trainings/{training['id']}/sessions",
            json=session_body(kabkota),
            headers=staff,
        )
        assert added.status_code == 201, added.text
    read = await platform.client.get(f"/activities/trainings/{training['id']}", headers=staff)
    answer: dict[str, Any] = read.json()
    return answer


async def outbox_types(platform: RunningPlatform, training_id: str) -> list[str]:
    """The events recorded about the training, in order, by their short names
    (`training.scheduled`, `participant.promoted`, …)."""
    async with platform.runtime("activities").sessions() as session:
        types = (
            await session.execute(
                select(outbox.c.event_type).where(outbox.c.key == training_id).order_by(outbox.c.id)
            )
        ).scalars()
        return [".".join(t.split(".")[2:4]) for t in types]


async def test_province_staff_schedule_sessions_in_the_local_time_of_each_site(
    platform: RunningPlatform,
) -> None:
    staff = platform.auth(Role.PROVINCE_STAFF, province=SULSEL)
    created = await platform.client.post(
        "/activities/trainings", json=training_body(SULSEL), headers=staff
    )
    assert created.status_code == 201, created.text
    training = created.json()
    assert created.headers["Location"] == f"/activities/trainings/{training['id']}"
    # 23.59 WITA is 15.59 UTC.
    assert (training["registration_closes_at"], training["timezone"]) == (
        f"{CLOSES}T15:59:00Z",
        "WITA",
    )
    assert training["local_registration_closes_at"] == f"{CLOSES}T23:59:00+08:00"
    assert (training["status"], training["sessions"]) == ("scheduled", [])
    sessions = f"/activities/trainings/{training['id']}/sessions"

    makassar = await platform.client.post(sessions, json=session_body(MAKASSAR), headers=staff)
    assert makassar.status_code == 201, makassar.text
    site = makassar.json()
    # 08.00 in Makassar (WITA) is 00.00 UTC.
    assert (site["starts_at"], site["ends_at"], site["timezone"]) == (
        f"{DAY}T00:00:00Z",
        f"{DAY}T08:00:00Z",
        "WITA",
    )
    assert (site["local_start"], site["code"], site["kabkota_name"]) == (
        f"{DAY}T08:00:00+08:00",
        "KOTA-MAKASSAR",
        "Kota Makassar",
    )
    assert (site["registered"], site["waitlisted"], site["seats_left"]) == (0, 0, 150)
    gowa = await platform.client.post(sessions, json=session_body(GOWA), headers=staff)
    second = await platform.client.post(sessions, json=session_body(GOWA), headers=staff)
    assert (gowa.json()["code"], second.json()["code"]) == ("GOWA", "GOWA-2")
    taken = await platform.client.post(
        sessions, json=session_body(GOWA, code="gowa"), headers=staff
    )
    assert (taken.status_code, taken.json()["error"]["code"]) == (409, "session_code_taken")
    elsewhere = await platform.client.post(sessions, json=session_body("63.71"), headers=staff)
    assert elsewhere.json()["error"]["code"] == "kabkota_outside_province"
    backwards = session_body(MAKASSAR, ends_at=f"{DAY}T07:00:00")
    refused = await platform.client.post(sessions, json=backwards, headers=staff)
    assert refused.json()["error"]["code"] == "end_before_start"

    one = f"/activities/trainings/{training['id']}"
    detail = (await platform.client.get(one, headers=staff)).json()
    assert [s["code"] for s in detail["sessions"]] == ["GOWA", "GOWA-2", "KOTA-MAKASSAR"]

    # Moved by a day in local time: the whole session moves, keeping its length.
    moved = await platform.client.patch(
        f"{sessions}/{site['id']}",
        json={"starts_at": f"{NEXT_DAY}T08:00:00", "venue": "Hotel Claro"},
        headers=staff,
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["starts_at"], moved.json()["ends_at"], moved.json()["venue"]) == (
        f"{NEXT_DAY}T00:00:00Z",
        f"{NEXT_DAY}T08:00:00Z",
        "Hotel Claro",
    )
    renamed = await platform.client.patch(one, json={"title": "Bimtek Kombel 2026"}, headers=staff)
    assert renamed.json()["title"] == "Bimtek Kombel 2026"
    nulled = await platform.client.patch(one, json={"title": None}, headers=staff)
    assert nulled.json()["error"]["details"][0]["code"] == "null_not_allowed"
    assert await outbox_types(platform, training["id"]) == [
        "training.scheduled",
        "session.scheduled",
        "session.scheduled",
        "session.scheduled",
        "session.changed",
        "training.changed",
    ]


async def test_districts_with_a_session_read_and_everyone_else_sees_nothing(
    platform: RunningPlatform,
) -> None:
    training = await a_training(platform, SULSEL, MAKASSAR, GOWA)
    one = f"/activities/trainings/{training['id']}"
    session_path = f"{one}/sessions/{training['sessions'][0]['id']}"

    host = platform.auth(Role.DISTRICT_STAFF, kabkota=MAKASSAR)
    read = await platform.client.get(one, headers=host)
    assert read.status_code == 200
    assert {s["kabkota_code"] for s in read.json()["sessions"]} == {MAKASSAR, GOWA}
    assert (await platform.client.get(session_path, headers=host)).status_code == 200
    for change in (
        platform.client.patch(one, json={"title": "Bimtek lain"}, headers=host),
        platform.client.post(f"{one}/sessions", json=session_body(MAKASSAR), headers=host),
        platform.client.patch(session_path, json={"capacity": 10}, headers=host),
        platform.client.post(f"{session_path}/cancel", headers=host),
        platform.client.post(f"{one}/cancel", headers=host),
    ):
        assert (await change).status_code == 403
    listed = await platform.client.get("/activities/trainings", headers=host)
    assert training["id"] in {t["id"] for t in listed.json()["items"]}

    strangers = (
        platform.auth(Role.PROVINCE_STAFF, province="63"),
        platform.auth(Role.DISTRICT_STAFF, kabkota=PAREPARE),
        platform.auth(Role.MEMBER, person="0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a70"),
        platform.auth(Role.PRINCIPAL, npsn="40311234"),
    )
    for stranger in strangers:
        for path in (one, session_path):
            assert (await platform.client.get(path, headers=stranger)).status_code == 404
        changed = await platform.client.patch(one, json={"title": "Lain"}, headers=stranger)
        assert changed.status_code == 404
        listed = await platform.client.get("/activities/trainings", headers=stranger)
        assert training["id"] not in {t["id"] for t in listed.json()["items"]}
    other_province = await platform.client.post(
        "/activities/trainings", json=training_body("63"), headers=strangers[0]
    )
    assert other_province.status_code == 201  # in their own province
    refused = await platform.client.post(
        "/activities/trainings", json=training_body(SULSEL), headers=strangers[0]
    )
    assert refused.status_code == 403
    wrong_session = f"{one}/sessions/{other_province.json()['id']}"
    admin = platform.auth(Role.NATIONAL_ADMIN)
    assert (await platform.client.get(wrong_session, headers=admin)).status_code == 404


async def test_trainings_list_newest_first_page_by_page(platform: RunningPlatform) -> None:
    province, _ = fresh_province()
    ids = [(await a_training(platform, province, title=f"Bimtek {n}"))["id"] for n in range(3)]
    staff = platform.auth(Role.PROVINCE_STAFF, province=province)
    found, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await platform.client.get("/activities/trainings", params=params, headers=staff)
        body = page.json()
        found += [t["id"] for t in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert found[:3] == ids[::-1]
    assert body["total"] == len(found)
    cancelled = await platform.client.post(f"/activities/trainings/{ids[0]}/cancel", headers=staff)
    assert cancelled.json()["status"] == "cancelled"
    only = await platform.client.get(
        "/activities/trainings", params={"status": "cancelled"}, headers=staff
    )
    assert [t["id"] for t in only.json()["items"]] == [ids[0]]
    broken = await platform.client.get(
        "/activities/trainings", params={"cursor": "nonsense"}, headers=staff
    )
    assert broken.status_code == 400


async def test_cancelling_a_training_cancels_its_sessions_once(platform: RunningPlatform) -> None:
    training = await a_training(platform, SULSEL, MAKASSAR, GOWA)
    staff = platform.auth(Role.PROVINCE_STAFF, province=SULSEL)
    one = f"/activities/trainings/{training['id']}"
    for _ in range(2):
        cancelled = await platform.client.post(
            f"{one}/cancel", json={"reason": "Anggaran dialihkan"}, headers=staff
        )
        assert cancelled.status_code == 200, cancelled.text
        body = cancelled.json()
        assert (body["status"], body["cancel_reason"], body["registration_open"]) == (
            "cancelled",
            "Anggaran dialihkan",
            False,
        )
        assert {s["status"] for s in body["sessions"]} == {"cancelled"}
    # A session cancelled with its training stays as it is when cancelled again.
    site = f"{one}/sessions/{training['sessions'][0]['id']}"
    again = await platform.client.post(f"{site}/cancel", headers=staff)
    assert (again.status_code, again.json()["status"]) == (200, "cancelled")
    refused = await platform.client.patch(one, json={"title": "Bimtek lagi"}, headers=staff)
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "training_cancelled")
    more = await platform.client.post(f"{one}/sessions", json=session_body(MAKASSAR), headers=staff)
    assert more.json()["error"]["code"] == "training_cancelled"
    assert (await outbox_types(platform, training["id"]))[-3:] == [
        "training.cancelled",
        "session.cancelled",
        "session.cancelled",
    ]
