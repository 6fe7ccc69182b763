"""The inbox page: a teacher reads their messages, marks one read, and a new one appears
without reloading (server-sent events through the console's `stream`)."""

import json
from datetime import UTC, datetime
from uuid import UUID

import pytest
from kombel_runtime.ids import uuid7
from kombel_runtime.testing.harness import RunningPlatform
from notifications.channels.base import INBOX_STREAM
from notifications.db.tables import messages
from playwright.async_api import expect
from reporting.console.testing import ConsoleBrowser
from sqlalchemy import insert

pytestmark = pytest.mark.infra


async def delivered(platform: RunningPlatform, person: UUID, subject: str, body: str) -> UUID:
    """An inbox message as notifications' dispatcher leaves it, announced on its channel."""
    message_id = uuid7()
    runtime = platform.runtime("notifications")
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            insert(messages).values(
                id=message_id,
                event_key=f"console-test:{message_id}",
                person_id=person,
                channel="inbox",
                rule="registration_confirmed",
                status="delivered",
                subject=subject,
                body=body,
                delivered_at=datetime.now(UTC),
            )
        )
    await runtime.redis.publish(
        INBOX_STREAM.format(person_id=person), json.dumps({"id": str(message_id)})
    )
    return message_id


async def test_a_teacher_reads_the_inbox_and_new_messages_arrive_live(
    platform: RunningPlatform, console: ConsoleBrowser
) -> None:
    person = uuid7()
    await delivered(
        platform, person, "Pendaftaran terkonfirmasi", "Kursi Anda di Bimtek Kurikulum Merdeka."
    )
    page = await console.sign_in("member", person=str(person), name="Rina Sitorus")
    await page.wait_for_url(console.url("/kotak-masuk"))
    await expect(page.get_by_role("heading", name="Kotak masuk")).to_be_visible()
    await expect(page.locator("#unread-count")).to_have_text("1 belum dibaca")
    first = page.locator(".inbox-item", has_text="Pendaftaran terkonfirmasi")
    await expect(first).to_contain_text("Kursi Anda di Bimtek Kurikulum Merdeka.")
    await console.shoot(page, "kotak-masuk")

    await first.get_by_role("button", name="Tandai sudah dibaca: Pendaftaran terkonfirmasi").click()
    await expect(page.locator("#unread-count")).to_have_text("Semua sudah dibaca")
    await expect(page.get_by_role("button", name="Tandai semua sudah dibaca")).to_be_disabled()

    await delivered(platform, person, "Pengingat sesi besok", "Sesi dimulai pukul 08.00 WIB.")
    arrived = page.locator(".inbox-item", has_text="Pengingat sesi besok")
    await expect(arrived).to_be_visible()
    await expect(page.locator("#unread-count")).to_have_text("1 belum dibaca")
    await expect(page.locator(".inbox-item").first).to_contain_text("Pengingat sesi besok")

    await page.get_by_role("button", name="Tandai semua sudah dibaca").click()
    await expect(page.locator("#unread-count")).to_have_text("Semua sudah dibaca")
    response = await platform.client.get(
        "/notifications/inbox",
        headers=await console.bearer(page),
    )
    assert response.json()["unread"] == 0
