"""Certificates over HTTP: only for those checked in, issued once however many ask at once,
read back from the PDF in Indonesian and local time, and checked by anyone from the code with
the name partly masked."""

import asyncio
import io
import re
import uuid

import pytest
from activities.db.tables import certificates, registrations
from kombel_runtime.auth import Role
from kombel_runtime.messaging_tables import outbox
from kombel_runtime.testing.harness import RunningPlatform
from pypdf import PdfReader
from sqlalchemy import func, select

from .test_checkins_api import a_day

pytestmark = pytest.mark.infra

LOCAL_HOUR = {"WIB": "08.00 WIB", "WITA": "08.00 WITA", "WIT": "08.00 WIT"}


async def person_of(platform: RunningPlatform, registration_id: uuid.UUID) -> dict[str, str]:
    async with platform.runtime("activities").sessions() as session:
        person_id = await session.scalar(
            select(registrations.c.person_id).where(registrations.c.id == registration_id)
        )
    return platform.auth(Role.MEMBER, person=str(person_id))


async def test_a_certificate_is_issued_once_to_those_who_came_and_anyone_can_check_it(
    platform: RunningPlatform,
) -> None:
    day = await a_day(platform, today=False)
    came, absent = await day.seated("Rina Sitorus", "Budi Santoso")
    path = f"/activities/registrations/{came}/certificate.pdf"
    person = await person_of(platform, came)

    not_yet = await platform.client.get(path, headers=person)
    assert (not_yet.status_code, not_yet.json()["error"]["code"]) == (409, "not_attended")
    assert (await day.scan(await day.ticket(came))).json()["result"] == "ok"
    stranger = platform.auth(Role.MEMBER, person=str(uuid.uuid4()))
    assert (await platform.client.get(path, headers=stranger)).status_code == 404
    other = await person_of(platform, absent)
    assert (await platform.client.get(path, headers=other)).status_code == 404
    absent_path = f"/activities/registrations/{absent}/certificate.pdf"
    assert (await platform.client.get(absent_path, headers=other)).status_code == 409

    # Many first requests at once (the person and the committee): one code, one event.
    answers = await asyncio.gather(
        *(platform.client.get(path, headers=h) for h in [person, day.committee] * 4)
    )
    assert {a.status_code for a in answers} == {200}
    assert answers[0].headers["content-type"] == "application/pdf"
    async with platform.runtime("activities").sessions() as session:
        codes = (
            await session.scalars(
                select(certificates.c.code).where(certificates.c.registration_id == came)
            )
        ).all()
        issued = await session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(
                outbox.c.key == str(day.bimtek.training_id),
                outbox.c.event_type == "kombel.activities.certificate.issued.v1",
            )
        )
    assert (len(codes), issued) == (1, 1)
    [code] = codes
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code)

    text = PdfReader(io.BytesIO(answers[-1].content)).pages[0].extract_text()
    for expected in (
        "SERTIFIKAT",
        "diberikan kepada",
        "Rina Sitorus",
        day.bimtek.title,
        day.bimtek.organiser,
        "Senin, 25 Mei 2026",
        LOCAL_HOUR[day.bimtek.timezones[day.here]],
        code,
        f"/activities/certificates/{code}",
    ):
        assert expected in text, expected

    # Anyone, without a token, however they type the code.
    typed = code.replace("-", "").lower()
    checked = await platform.client.get(f"/activities/certificates/{typed}")
    assert checked.status_code == 200, checked.text
    assert checked.json() | {"issued_at": None} == {
        "code": code,
        "genuine": True,
        "revoked": False,
        "name": "Ri** Si*****",
        "training": day.bimtek.title,
        "organiser": day.bimtek.organiser,
        "session_date": "2026-05-25",
        "session_date_text": "Senin, 25 Mei 2026",
        "place": checked.json()["place"],
        "timezone": day.bimtek.timezones[day.here],
        "issued_at": None,
    }
    assert checked.json()["place"].startswith("Aula Dinas Pendidikan 1, ")
    assert "Rina" not in checked.text

    # A seat cancelled after all: the code is still known, but no longer genuine.
    cancelled = await platform.client.post(
        f"/activities/registrations/{came}/cancel",
        json={"reason": "Terdaftar karena salah ketik"},
        headers=day.committee,
    )
    assert cancelled.status_code == 200, cancelled.text
    revoked = (await platform.client.get(f"/activities/certificates/{code}")).json()
    assert (revoked["genuine"], revoked["revoked"], revoked["code"]) == (False, True, code)


async def test_an_unknown_code_is_said_not_to_be_genuine(platform: RunningPlatform) -> None:
    for code in ("K7Q2-M4XH-9TRA", "bukan-kode", "0" * 12):
        answer = await platform.client.get(f"/activities/certificates/{code}")
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "certificate_not_found"
        assert "tidak asli" in answer.json()["error"]["message"]


async def test_a_name_beyond_latin1_is_written_with_its_nearest_letters(
    platform: RunningPlatform,
) -> None:
    day = await a_day(platform)
    [registration_id] = await day.seated("Nguyễn Thị Łan")
    await day.scan(await day.ticket(registration_id))
    answer = await platform.client.get(
        f"/activities/registrations/{registration_id}/certificate.pdf", headers=day.committee
    )
    assert answer.status_code == 200, answer.text
    assert "Nguyen Thi Lan" in PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
