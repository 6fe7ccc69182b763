"""`/notifications/messages`: delivery status per message, for staff over the people of their
region and for a teacher over their own, never with an address or what the message said."""

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform
from kombel_runtime.testing.regions import (
    fresh_kabkota,
    fresh_kabkotas,
    neighbour_of,
    province_of,
)
from notifications.db.tables import contacts
from sqlalchemy import select

from .rows import a_contact, a_message, a_status, got, written


async def listed(platform: RunningPlatform, headers: dict[str, str], **params: Any) -> Any:
    return await got(platform, "/notifications/messages", headers, **params)


async def test_staff_see_their_regions_messages_and_a_teacher_their_own(
    platform: RunningPlatform,
) -> None:
    here, next_door = fresh_kabkotas(2)
    far = fresh_kabkota(outside={province_of(here)})
    rule = f"rule_{secrets.token_hex(4)}"  # this test's messages alone
    sent = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
    async with written(platform) as session:
        rina = await a_contact(session, here)
        budi = await a_contact(session, next_door)
        sari = await a_contact(session, far)
        confirmed = await a_message(session, rina, channel="email", rule=rule)
        for offset, status in enumerate(("delivered", "queued", "sent")):  # out of order
            await a_status(session, confirmed, status, sent + timedelta(minutes=[2, 0, 1][offset]))
        refused = await a_message(
            session,
            rina,
            channel="whatsapp",
            rule=rule,
            status="failed",
            failure_reason="nomor tidak terdaftar di WhatsApp",
        )
        budis = await a_message(session, budi, channel="sms", rule=rule, status="queued")
        saris = await a_message(session, sari, channel="email", rule=rule, status="sent")
        addresses = (
            await session.execute(
                select(contacts.c.email, contacts.c.phone).where(
                    contacts.c.person_id.in_((rina, budi, sari))
                )
            )
        ).all()

    district = platform.auth(Role.DISTRICT_STAFF, kabkota=here)
    page = await listed(platform, district, rule=rule)
    assert {item["id"] for item in page["items"]} == {str(confirmed), str(refused)}
    assert page["total"] == 2
    failed = await listed(platform, district, rule=rule, status="failed")
    assert [(i["id"], i["failure_reason"]) for i in failed["items"]] == [
        (str(refused), "nomor tidak terdaftar di WhatsApp")
    ]
    assert (await listed(platform, district, rule=rule, channel="email"))["total"] == 1
    assert (await listed(platform, district, person_id=str(budi)))["total"] == 0

    province = platform.auth(Role.PROVINCE_STAFF, province=province_of(here))
    reached = await listed(platform, province, rule=rule)
    assert {item["id"] for item in reached["items"]} == {str(confirmed), str(refused), str(budis)}
    everyone = await listed(platform, platform.auth(Role.NATIONAL_ADMIN), rule=rule)
    assert everyone["total"] == 4
    assert str(saris) in {i["id"] for i in everyone["items"]}

    teacher = platform.auth(Role.MEMBER, person=str(rina))
    own = await listed(platform, teacher, rule=rule)
    assert {item["id"] for item in own["items"]} == {str(confirmed), str(refused)}
    assert (await listed(platform, teacher, person_id=str(budi)))["total"] == 0

    # Pages, newest first, never repeating.
    first = await listed(platform, province, rule=rule, limit=2)
    second = await listed(platform, province, rule=rule, limit=2, cursor=first["next"])
    assert second["next"] is None
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert sorted(ids) == sorted({str(confirmed), str(refused), str(budis)})

    shown = " ".join([str(page), str(reached), str(everyone), str(own), str(failed)])
    for email, phone in addresses:
        assert email not in shown
        assert phone not in shown
    assert "body" not in page["items"][0]
    assert "subject" not in page["items"][0]


async def test_one_message_shows_its_status_history_to_those_who_may_see_it(
    platform: RunningPlatform,
) -> None:
    here = fresh_kabkota()
    far = neighbour_of(here)  # a caller refused: nothing is written there
    sent = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
    async with written(platform) as session:
        rina = await a_contact(session, here)
        message = await a_message(session, rina, channel="whatsapp", status="read")
        await a_status(session, message, "read", sent + timedelta(minutes=5))
        await a_status(session, message, "sent", sent, "fonnte")
        await a_status(session, message, "delivered", sent + timedelta(minutes=1))

    for allowed in (
        platform.auth(Role.MEMBER, person=str(rina)),
        platform.auth(Role.DISTRICT_STAFF, kabkota=here),
    ):
        response = await platform.client.get(f"/notifications/messages/{message}", headers=allowed)
        assert response.status_code == 200
        detail = response.json()
        assert (detail["status"], detail["channel"]) == ("read", "whatsapp")
        assert [(s["status"], s["detail"]) for s in detail["statuses"]] == [
            ("sent", "fonnte"),
            ("delivered", None),
            ("read", None),
        ]
    for refused in (
        platform.auth(Role.DISTRICT_STAFF, kabkota=far),
        platform.auth(Role.MEMBER, person="0190a9b0-0000-7000-8000-0000000000bb"),
    ):
        response = await platform.client.get(f"/notifications/messages/{message}", headers=refused)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "message_not_found"


async def test_a_caller_who_is_neither_staff_nor_a_person_is_refused(
    platform: RunningPlatform,
) -> None:
    nobody = platform.auth(Role.COMMUNITY_LEAD)
    response = await platform.client.get("/notifications/messages", headers=nobody)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "person_required"
    unknown_status = await platform.client.get(
        "/notifications/messages",
        params={"status": "lost"},
        headers=platform.auth(Role.NATIONAL_ADMIN),
    )
    assert unknown_status.status_code == 422
