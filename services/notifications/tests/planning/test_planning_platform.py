"""Planning end to end: people made in membership and registrations made in activities reach
notifications through Kafka and become messages once, in the place's local time; a moved
session moves its reminders, a cancelled one drops them, an erased person is forgotten, a
roster's new person is confirmed once linked, and a community's meeting reminds its members.
Nothing is sent here (the dispatcher is another part): these tests read `messages`."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from membership.testing import community, created, digits, nuptk, person, school
from notifications.db.tables import contacts, messages, registrations
from sqlalchemy import Table, select

pytestmark = pytest.mark.infra

# Sulawesi Selatan (WITA), a province the pool of fresh places never hands out: each test
# here takes its own kabupaten/kota of it, one that activities' tests do not name, and looks
# only at its own registrations and people.
SULSEL = "73"
MAKASSAR = "73.71"
WAJO, SIDRAP, PINRANG, ENREKANG, LUWU, TANA_TORAJA = (
    "73.13",
    "73.14",
    "73.15",
    "73.16",
    "73.17",
    "73.18",
)
DAY = (datetime.now(UTC) + timedelta(days=20)).date()


async def found(platform: RunningPlatform, table: Table, *where: Any) -> list[dict[str, Any]]:
    async with platform.runtime("notifications").sessions() as session:
        rows = await session.execute(select(table).where(*where))
        return [dict(r) for r in rows.mappings()]


async def a_teacher(platform: RunningPlatform, kabkota: str, **fields: Any) -> dict[str, Any]:
    """A teacher made in membership, once notifications knows their contact."""
    npsn = await school(platform, kabkota)
    made = await person(
        platform,
        npsn,
        full_name="Andi Makkasau",
        email=f"guru{nuptk()}@contoh.sch.id",
        phone=f"0812{digits(8)}",
        **fields,
    )
    await eventually(
        lambda: found(platform, contacts, contacts.c.person_id == made["id"]), bool, timeout_s=30
    )
    return made


async def a_training(
    platform: RunningPlatform, province: str, kabkota: str, **session: Any
) -> tuple[str, str, dict[str, str]]:
    """A training with one session at 08.00 local time on DAY; (training, session, staff)."""
    staff = platform.auth(Role.PROVINCE_STAFF, province=province)
    training = await created(
        platform,
        "/activities/trainings",
        {
            "title": "Bimtek Penggerak Komunitas Belajar",
            "organiser": "BBGP",
            "province_code": province,
            "audience": "Penggerak komunitas belajar",
        },
        staff,
    )
    place = await created(
        platform,
        f"/activities/trainings/{training['id']}/sessions",
        {
            "kabkota_code": kabkota,
            "venue": "Aula BBGP",
            "starts_at": f"{DAY}T08:00:00",
            "ends_at": f"{DAY}T16:00:00",
            "capacity": 50,
        }
        | session,
        staff,
    )
    return training["id"], place["id"], staff


@dataclass(frozen=True)
class Registered:
    teacher: dict[str, Any]
    training_id: str
    session_id: str
    staff: dict[str, str]  # the organisers' headers
    registration: dict[str, Any]


async def a_registration(platform: RunningPlatform, province: str, kabkota: str) -> Registered:
    """A teacher of the kabupaten/kota registered by the organisers for a new training's
    session there."""
    teacher = await a_teacher(platform, kabkota)
    training_id, session_id, staff = await a_training(platform, province, kabkota)
    registration = await created(
        platform,
        f"/activities/trainings/{training_id}/registrations",
        {"person_id": teacher["id"], "session_id": session_id},
        staff,
    )
    return Registered(teacher, training_id, session_id, staff, registration)


async def test_a_makassar_registration_is_planned_once_and_follows_its_session(
    platform: RunningPlatform,
) -> None:
    made = await a_registration(platform, SULSEL, MAKASSAR)
    training_id, session_id, staff = made.training_id, made.session_id, made.staff
    registered = made.registration
    ours = messages.c.registration_id == registered["id"]
    planned = await eventually(lambda: found(platform, messages, ours), lambda r: len(r) == 9)
    assert {(m["rule"], m["channel"]) for m in planned} == {
        (rule, channel)
        for rule in (
            "registration_confirmed",
            "session_reminder_day_before",
            "session_reminder_two_hours",
        )
        for channel in ("email", "whatsapp", "inbox")
    }
    wita = ZoneInfo("Asia/Makassar")
    due = {m["rule"]: m["due_at"].astimezone(wita) for m in planned}
    assert (due["session_reminder_day_before"].date(), due["session_reminder_day_before"].hour) == (
        DAY - timedelta(days=1),
        8,
    )
    assert (due["session_reminder_two_hours"].date(), due["session_reminder_two_hours"].hour) == (
        DAY,
        6,
    )

    # The registration's event delivered again changes nothing: the session's change after it
    # (same training, same partition) shows that the consumer got past it.
    (record,) = [
        r
        for r in await platform.read_topic("kombel.activities.trainings")
        if json.loads(r.value).get("registration_id") == registered["id"]
    ]
    await platform.produce(record.topic, record.value, record.key, list(record.headers))
    session_path = f"/activities/trainings/{training_id}/sessions/{session_id}"
    later = await platform.client.patch(
        session_path, json={"starts_at": f"{DAY}T09:00:00"}, headers=staff
    )
    assert later.status_code == 200, later.text

    def moved_an_hour(rows: list[dict[str, Any]]) -> bool:
        return all(
            m["due_at"].astimezone(wita) == due[m["rule"]] + timedelta(hours=1)
            for m in rows
            if m["rule"].startswith("session_reminder")
        )

    after = await eventually(lambda: found(platform, messages, ours), moved_an_hour)
    assert len(after) == 9

    cancelled = await platform.client.post(
        f"{session_path}/cancel", json={"reason": "Gedung tidak tersedia"}, headers=staff
    )
    assert cancelled.status_code == 200, cancelled.text
    final = await eventually(
        lambda: found(platform, messages, ours),
        lambda rows: any(m["rule"] == "registration_cancelled" for m in rows),
    )
    # Its reminders are dropped (the confirmation may have gone out meanwhile).
    reminders = {m["status"] for m in final if m["rule"].startswith("session_reminder")}
    assert reminders == {"cancelled"}
    assert {m["channel"] for m in final if m["rule"] == "registration_cancelled"} == {
        "email",
        "whatsapp",
        "inbox",
    }


async def test_an_erased_teacher_is_forgotten_with_their_messages(
    platform: RunningPlatform,
) -> None:
    kabkota, province = WAJO, SULSEL
    teacher = (await a_registration(platform, province, kabkota)).teacher
    theirs = messages.c.person_id == teacher["id"]
    await eventually(lambda: found(platform, messages, theirs), lambda r: len(r) == 9)

    erased = await platform.client.post(
        f"/membership/people/{teacher['id']}/erase", headers=platform.auth(Role.NATIONAL_ADMIN)
    )
    assert erased.status_code == 200, erased.text
    (contact,) = await eventually(
        lambda: found(platform, contacts, contacts.c.person_id == teacher["id"]),
        lambda rows: rows[0]["erased_at"] is not None,
    )
    assert (contact["full_name"], contact["email"], contact["phone"]) == (None, None, None)
    left = await found(platform, messages, theirs)
    # Nothing waits any more (what had gone out before stays as it went).
    assert not {m["status"] for m in left} & {"scheduled", "queued", "sending"}
    assert {m["status"] for m in left if m["rule"].startswith("session_reminder")} == {"cancelled"}
    assert {(m["subject"], m["body"], json.dumps(m["context"])) for m in left} == {
        (None, None, "{}")
    }


async def test_a_new_person_on_a_roster_is_confirmed_once_when_linked(
    platform: RunningPlatform,
) -> None:
    kabkota, province = SIDRAP, SULSEL
    npsn = await school(platform, kabkota)
    training_id, session_id, staff = await a_training(platform, province, kabkota)
    content = (
        "Nama Lengkap,NUPTK,Email,No. HP/WA,Jabatan,NPSN Sekolah,Kabupaten/Kota,Kode Sesi\r\n"
        f"Gita Simanjuntak,{nuptk()},gita{nuptk()}@contoh.sch.id,0813{digits(8)},guru,{npsn},,\r\n"
    ).encode()
    upload = await platform.client.post(
        "/activities/imports/registrations",
        params={"training_id": training_id, "dry_run": "false"},
        files={"file": ("registrations.csv", content)},
        headers=staff,
    )
    assert upload.status_code == 202, upload.text

    async def linked() -> list[dict[str, Any]]:
        return await found(
            platform,
            registrations,
            registrations.c.session_id == UUID(session_id),
            registrations.c.person_id.is_not(None),
        )

    (registration,) = await eventually(linked, bool, timeout_s=60)
    ours = messages.c.registration_id == registration["id"]
    planned = await eventually(lambda: found(platform, messages, ours), lambda r: len(r) == 9)
    confirmations = [m for m in planned if m["rule"] == "registration_confirmed"]
    assert sorted(m["channel"] for m in confirmations) == ["email", "inbox", "whatsapp"]
    assert {m["person_id"] for m in planned} == {registration["person_id"]}


async def test_a_communitys_scheduled_meeting_reminds_its_members_and_welcomes_newcomers(
    platform: RunningPlatform,
) -> None:
    kabkota = PINRANG
    admin = platform.auth(Role.NATIONAL_ADMIN)
    lead = await a_teacher(platform, kabkota)
    member = await a_teacher(platform, kabkota)
    group = await community(platform, kabkota)
    members = f"/membership/communities/{group['id']}/members"
    await created(platform, members, {"person_id": lead["id"], "role": "penggerak"}, admin)
    welcomed = await eventually(
        lambda: found(platform, messages, messages.c.person_id == lead["id"]), bool
    )
    assert {(m["rule"], m["channel"]) for m in welcomed} == {
        ("community_welcome", "email"),
        ("community_welcome", "inbox"),
    }

    async def logged() -> Any:
        return await platform.client.post(
            f"/activities/communities/{group['id']}/activities",
            json={
                "title": "Refleksi hasil Rapor Pendidikan",
                "phase": "refleksi_awal",
                "starts_at": f"{DAY}T16:00:00",
                "duration_minutes": 90,
                "mode": "luring",
                "place": "Ruang guru SD Negeri 1",
            },
            headers=platform.auth(Role.DISTRICT_STAFF, kabkota=kabkota),
        )

    # Until activities knows the community from membership's event.
    answer = await eventually(logged, lambda r: r.status_code != 404)
    assert answer.status_code == 201, answer.text
    meeting = answer.json()
    about = messages.c.activity_id == meeting["id"]
    await eventually(lambda: found(platform, messages, about), lambda r: len(r) == 6)

    # A member who joins later is reminded of the meeting already scheduled.
    await created(platform, members, {"person_id": member["id"], "role": "anggota"}, admin)
    reminded = await eventually(lambda: found(platform, messages, about), lambda r: len(r) == 12)
    assert {m["event_key"] for m in reminded if m["person_id"] == UUID(member["id"])} == {
        f"reminder:h-1:activity:{meeting['id']}:{member['id']}",
        f"reminder:2h:activity:{meeting['id']}:{member['id']}",
    }
