"""Registrations over HTTP: a seat or a place on the waitlist, in arrival order even when a
hundred people ask for the last ten seats at once; once per training; a cancelled seat goes to
the first in line once; and each caller sees only the registrations their scope allows."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from activities.db.tables import replica_people
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkota, fresh_kabkotas, province_of
from membership.testing import person, school
from sqlalchemy import func, select

from .test_trainings_api import a_training, outbox_types

pytestmark = pytest.mark.infra


async def teachers(platform: RunningPlatform, kabkota: str, *names: str) -> list[dict[str, Any]]:
    """Teachers of a new school of the kabupaten/kota, made in membership, once activities'
    replica knows them all."""
    npsn = await school(platform, kabkota)
    made = [await person(platform, npsn, full_name=name) for name in names]
    ids = [p["id"] for p in made]

    async def known() -> int:
        async with platform.runtime("activities").sessions() as session:
            found = await session.scalar(select(func.count()).where(replica_people.c.id.in_(ids)))
            return int(found or 0)

    await eventually(known, lambda n: n == len(ids), timeout_s=30)
    return made


async def replica_only(platform: RunningPlatform, kabkota: str, n: int) -> list[str]:
    """People written straight into activities' replica, as membership's events would: many,
    fast, for the race."""
    rows = [
        {
            "id": uuid.uuid4(),
            "full_name": f"Peserta {i}",
            "province_code": kabkota[:2],
            "kabkota_code": kabkota,
            "status": "active",
            "version": uuid.uuid4(),
        }
        for i in range(n)
    ]
    async with platform.runtime("activities").sessions() as session, session.begin():
        await session.execute(replica_people.insert(), rows)
    return [str(r["id"]) for r in rows]


async def test_seats_then_waitlist_once_per_training_and_a_cancel_promotes_once(
    platform: RunningPlatform,
) -> None:
    # The training and its registrations are this test's alone; the province's other
    # kabupaten/kota may be other tests'.
    home, away = fresh_kabkotas(2)
    province = province_of(home)
    training = await a_training(platform, province, home, away)
    tid = training["id"]
    at = {s["kabkota_code"]: s["id"] for s in training["sessions"]}
    here, there = at[home], at[away]
    staff = platform.auth(Role.PROVINCE_STAFF, province=province)
    small = await platform.client.patch(
        f"/activities/trainings/{tid}/sessions/{here}", json={"capacity": 2}, headers=staff
    )
    assert small.status_code == 200, small.text
    people = await teachers(platform, home, "Rina", "Budi", "Sari", "Hasan", "Dewi", "Agus")
    rina, budi, sari, hasan, dewi, agus = (p["id"] for p in people)
    path = f"/activities/trainings/{tid}/registrations"

    async def register(person_id: str, headers: dict[str, str], session_id: str = here) -> Any:
        return await platform.client.post(
            path, json={"person_id": person_id, "session_id": session_id}, headers=headers
        )

    answers = [(await register(p, staff)) for p in (rina, budi, sari, hasan)]
    assert [a.status_code for a in answers] == [201] * 4, answers[-1].text
    first = answers[0].json()
    assert (first["status"], first["waitlist_position"]) == ("registered", None)
    assert (first["training_id"], first["session_id"], first["person_id"]) == (tid, here, rina)
    assert answers[0].headers["Location"] == f"/activities/registrations/{first['id']}"
    assert [(a.json()["status"], a.json()["waitlist_position"]) for a in answers[2:]] == [
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    again = await register(rina, staff, there)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_registered")
    assert again.json()["error"]["details"][0]["existing_id"] == first["id"]

    # A teacher registers themselves, and reads their own registration only.
    as_dewi = platform.auth(Role.MEMBER, person=dewi)
    own = await register(dewi, as_dewi)
    assert (own.status_code, own.json()["waitlist_position"]) == (201, 3)
    assert (await register(agus, as_dewi)).status_code == 403  # she sees it, not for others
    as_agus = platform.auth(Role.MEMBER, person=agus)
    assert (await register(rina, as_agus)).status_code == 404  # a stranger to the training
    mine = await platform.client.get(
        f"/activities/registrations/{own.json()['id']}", headers=as_dewi
    )
    assert mine.status_code == 200
    theirs = f"/activities/registrations/{first['id']}"
    for outsider in (as_dewi, as_agus, platform.auth(Role.DISTRICT_STAFF, kabkota=away)):
        assert (await platform.client.get(theirs, headers=outsider)).status_code == 404
    assert (
        await platform.client.get(f"/activities/trainings/{tid}", headers=as_dewi)
    ).status_code == 200
    assert (await platform.client.get(path, headers=as_dewi)).status_code == 403

    # Rina cancels: Sari, first in line, gets the seat; a second cancel promotes no one more.
    for _ in range(2):
        cancelled = await platform.client.post(
            f"{theirs}/cancel", headers=platform.auth(Role.MEMBER, person=rina)
        )
        assert cancelled.status_code == 200, cancelled.text
        assert (cancelled.json()["status"], cancelled.json()["cancel_reason"]) == (
            "cancelled",
            "Dibatalkan oleh peserta",
        )
    states = {
        p: (
            await platform.client.get(f"/activities/registrations/{a.json()['id']}", headers=staff)
        ).json()
        for p, a in zip((sari, hasan), answers[2:], strict=True)
    }
    assert (states[sari]["status"], states[hasan]["waitlist_position"]) == ("registered", 1)
    assert (
        await platform.client.get(f"/activities/registrations/{own.json()['id']}", headers=as_dewi)
    ).json()["waitlist_position"] == 2

    # Once cancelled, Rina may register again.
    back = await register(rina, staff)
    assert (back.status_code, back.json()["waitlist_position"]) == (201, 3)

    # One more seat goes to Hasan, first in line; fewer seats than taken is refused.
    session_path = f"/activities/trainings/{tid}/sessions/{here}"
    raised = await platform.client.patch(session_path, json={"capacity": 3}, headers=staff)
    assert (raised.json()["registered"], raised.json()["waitlisted"]) == (3, 2)
    hasan_now = await platform.client.get(
        f"/activities/registrations/{states[hasan]['id']}", headers=staff
    )
    assert hasan_now.json()["status"] == "registered"
    lowered = await platform.client.patch(session_path, json={"capacity": 2}, headers=staff)
    assert (lowered.status_code, lowered.json()["error"]["code"]) == (
        409,
        "capacity_below_registered",
    )

    events = await outbox_types(platform, tid)
    assert events.count("participant.promoted") == 2
    assert events.count("participant.cancelled") == 1
    assert events.count("participant.waitlisted") == 4


async def test_who_may_be_registered_and_when(platform: RunningPlatform) -> None:
    # The training and its registrations are this test's alone; the province's other
    # kabupaten/kota may be other tests'.
    home, away = fresh_kabkotas(2)
    province = province_of(home)
    training = await a_training(platform, province, home, away)
    tid = training["id"]
    at = {s["kabkota_code"]: s["id"] for s in training["sessions"]}
    path = f"/activities/trainings/{tid}/registrations"
    (local,) = await teachers(platform, home, "Rina")
    (outside,) = await teachers(platform, fresh_kabkota(outside={province}), "Budi")
    staff = platform.auth(Role.PROVINCE_STAFF, province=province)
    district = platform.auth(Role.DISTRICT_STAFF, kabkota=home)

    async def register(person_id: str, session_id: str, headers: dict[str, str]) -> Any:
        return await platform.client.post(
            path, json={"person_id": person_id, "session_id": session_id}, headers=headers
        )

    unknown = await register(str(uuid.uuid4()), at[home], staff)
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "person_unknown")
    not_ours = await register(outside["id"], at[home], staff)
    assert not_ours.json()["error"]["code"] == "person_unknown"
    elsewhere = await register(local["id"], str(uuid.uuid4()), staff)
    assert elsewhere.json()["error"]["code"] == "session_unknown"
    # District staff register at their own sessions only.
    assert (await register(local["id"], at[away], district)).status_code == 403
    assert (await register(local["id"], at[home], district)).status_code == 201
    # A teacher from anywhere registers themselves.
    itself = await register(
        outside["id"], at[away], platform.auth(Role.MEMBER, person=outside["id"])
    )
    assert itself.status_code == 201, itself.text

    closed = await platform.client.patch(
        f"/activities/trainings/{tid}",
        json={"registration_closes_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()},
        headers=staff,
    )
    assert closed.json()["registration_open"] is False
    (late,) = await teachers(platform, home, "Sari")
    refused = await register(late["id"], at[home], staff)
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "registration_closed")
    await platform.client.patch(
        f"/activities/trainings/{tid}", json={"registration_closes_at": None}, headers=staff
    )

    # A cancelled session cancels its registrations, with the reason, and takes no more.
    cancelled = await platform.client.post(
        f"/activities/trainings/{tid}/sessions/{at[home]}/cancel",
        json={"reason": "Gedung dipakai ujian"},
        headers=staff,
    )
    assert cancelled.json()["status"] == "cancelled", cancelled.text
    assert (cancelled.json()["registered"], cancelled.json()["waitlisted"]) == (0, 0)
    listed = await platform.client.get(path, params={"session_id": at[home]}, headers=staff)
    (gone,) = listed.json()["items"]
    seen = await platform.client.get(f"/activities/registrations/{gone['id']}", headers=staff)
    assert (seen.json()["status"], seen.json()["cancel_reason"]) == (
        "cancelled",
        "Sesi pelatihan dibatalkan oleh penyelenggara: Gedung dipakai ujian",
    )
    refused = await register(late["id"], at[home], staff)
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "session_cancelled")
    # The training's cancellation reaches the registrations left.
    await platform.client.post(f"/activities/trainings/{tid}/cancel", headers=staff)
    left = await platform.client.get(
        f"/activities/registrations/{itself.json()['id']}", headers=staff
    )
    assert left.json()["cancel_reason"] == "Pelatihan dibatalkan oleh penyelenggara"
    refused = await register(late["id"], at[away], staff)
    assert refused.json()["error"]["code"] == "training_cancelled"
    events = await outbox_types(platform, tid)
    assert events[-3:] == ["training.cancelled", "session.cancelled", "participant.cancelled"]
    assert events.count("participant.cancelled") == 2
    assert events.count("session.cancelled") == 2


async def test_a_hundred_requests_for_the_last_ten_seats(platform: RunningPlatform) -> None:
    kabkota = fresh_kabkota()
    province = province_of(kabkota)
    training = await a_training(platform, province, kabkota)
    tid, (site,) = training["id"], training["sessions"]
    admin = platform.auth(Role.NATIONAL_ADMIN)
    await platform.client.patch(
        f"/activities/trainings/{tid}/sessions/{site['id']}", json={"capacity": 20}, headers=admin
    )
    early, crowd = (
        await replica_only(platform, kabkota, 10),
        await replica_only(platform, kabkota, 100),
    )
    path = f"/activities/trainings/{tid}/registrations"

    async def register(person_id: str) -> Any:
        return await platform.client.post(
            path, json={"person_id": person_id, "session_id": site["id"]}, headers=admin
        )

    for person_id in early:
        assert (await register(person_id)).status_code == 201
    answers = await asyncio.gather(*(register(p) for p in crowd))
    assert {a.status_code for a in answers} == {201}, {
        a.text for a in answers if a.status_code != 201
    }
    seated = [a.json() for a in answers if a.json()["status"] == "registered"]
    waiting = sorted(
        a.json()["waitlist_position"] for a in answers if a.json()["status"] == "waitlisted"
    )
    assert (len(seated), waiting) == (10, list(range(1, 91)))
    # In arrival order: the waitlist is served in the order its places were given.
    listed = await platform.client.get(
        path, params={"status": "waitlisted", "limit": 500}, headers=admin
    )
    positions = {r["id"]: r["waitlist_position"] for r in listed.json()["items"]}
    assert sorted(positions.values()) == list(range(1, 91))
    assert all(
        positions[a.json()["id"]] == a.json()["waitlist_position"]
        for a in answers
        if a.json()["status"] == "waitlisted"
    )
    detail = await platform.client.get(f"/activities/trainings/{tid}", headers=admin)
    (counted,) = detail.json()["sessions"]
    assert (counted["registered"], counted["waitlisted"], counted["seats_left"]) == (20, 90, 0)

    # The same person twice at the same moment: one registration, and a 409 naming it.
    pairs = await replica_only(platform, kabkota, 5)
    twice = await asyncio.gather(*(register(p) for p in pairs for _ in range(2)))
    assert sorted(a.status_code for a in twice) == [201] * 5 + [409] * 5
    made = {a.json()["id"] for a in twice if a.status_code == 201}
    named = {a.json()["error"]["details"][0]["existing_id"] for a in twice if a.status_code == 409}
    assert named == made


async def test_lists_page_through_filters_and_district_scope(platform: RunningPlatform) -> None:
    # The training and its registrations are this test's alone; the province's other
    # kabupaten/kota may be other tests'.
    home, away = fresh_kabkotas(2)
    province = province_of(home)
    training = await a_training(platform, province, home, away)
    tid = training["id"]
    at = {s["kabkota_code"]: s["id"] for s in training["sessions"]}
    admin = platform.auth(Role.NATIONAL_ADMIN)
    path = f"/activities/trainings/{tid}/registrations"
    here = await teachers(platform, home, "Rina", "Budi", "Sari")
    there = await teachers(platform, away, "Hasan", "Dewi")
    made = []
    for people, kabkota in ((here, home), (there, away)):
        for p in people:
            answer = await platform.client.post(
                path, json={"person_id": p["id"], "session_id": at[kabkota]}, headers=admin
            )
            made.append(answer.json()["id"])

    found, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await platform.client.get(path, params=params, headers=admin)).json()
        found += page["items"]
        cursor = page["next"]
        if cursor is None:
            break
    assert [r["id"] for r in found] == made  # in the order they registered
    assert page["total"] == 5
    assert {r["full_name"] for r in found} == {"Rina", "Budi", "Sari", "Hasan", "Dewi"}
    assert set(found[0]) >= {"id", "person_id", "session_id", "status", "checked_in_at"}

    def ids(response: Any) -> list[str]:
        return [r["id"] for r in response.json()["items"]]

    by_session = await platform.client.get(path, params={"session_id": at[away]}, headers=admin)
    assert ids(by_session) == made[3:]
    by_region = await platform.client.get(path, params={"kabkota": home}, headers=admin)
    assert ids(by_region) == made[:3]
    await platform.client.post(f"/activities/registrations/{made[0]}/cancel", headers=admin)
    by_status = await platform.client.get(path, params={"status": "cancelled"}, headers=admin)
    assert ids(by_status) == made[:1]

    district = platform.auth(Role.DISTRICT_STAFF, kabkota=away)
    theirs = await platform.client.get(path, headers=district)
    assert ids(theirs) == made[3:]
    asked = await platform.client.get(path, params={"kabkota": home}, headers=district)
    assert ids(asked) == []
    cancelled = await platform.client.post(
        f"/activities/registrations/{made[3]}/cancel", headers=district
    )
    assert cancelled.json()["cancel_reason"] == "Dibatalkan oleh penyelenggara"
    refused = await platform.client.post(
        f"/activities/registrations/{made[1]}/cancel", headers=district
    )
    assert refused.status_code == 404
    for bad in ({"status": "maybe"}, {"kabkota": "jakarta"}, {"cursor": "x"}, {"limit": 0}):
        assert (await platform.client.get(path, params=bad, headers=admin)).status_code in (
            400,
            422,
        )
