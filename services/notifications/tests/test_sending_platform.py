"""A registration's confirmation, end to end on the running platform: made in activities, it
reaches notifications through Kafka, is rendered in the teacher's zone and sent once by email
and WhatsApp through the embedded default's local SMTP server and gateway recorder (the dev
outbox), and waits in the teacher's inbox."""

import json
from typing import Any

import pytest
from kombel_runtime.auth import Role
from kombel_runtime.testing.harness import RunningPlatform, eventually
from notifications.db.tables import dev_outbox, messages, training_sessions
from sqlalchemy import func, select

from .planning.test_planning_platform import SULSEL, a_registration

pytestmark = pytest.mark.infra

# Kabupaten Kepulauan Selayar (WITA): no other test of the suite names it.
SELAYAR = "73.01"


async def outbox_of(platform: RunningPlatform, recipient: str) -> list[dict[str, Any]]:
    async with platform.runtime("notifications").sessions() as session:
        rows = await session.execute(select(dev_outbox).where(dev_outbox.c.recipient == recipient))
        return [dict(r) for r in rows.mappings()]


async def test_a_confirmation_is_sent_once_by_email_and_whatsapp_in_wita_and_waits_in_the_inbox(
    platform: RunningPlatform,
) -> None:
    made = await a_registration(platform, SULSEL, SELAYAR)
    teacher = made.teacher
    mails = await eventually(
        lambda: outbox_of(platform, teacher["email"]), lambda rows: len(rows) >= 1, timeout_s=60
    )
    number = teacher["phone"].lstrip("+")  # gateways take the number as digits: 62812…
    texts = await eventually(
        lambda: outbox_of(platform, number), lambda rows: len(rows) >= 1, timeout_s=60
    )
    (mail,) = mails
    (text,) = texts
    for sent in (mail, text):
        assert "WITA" in sent["body"], sent["body"]
        assert "Bimtek Penggerak Komunitas Belajar" in sent["body"]
    assert mail["subject"]

    # In the teacher's own inbox, unread.
    own = platform.auth(Role.MEMBER, person=teacher["id"])
    inbox = await eventually(
        lambda: platform.client.get("/notifications/inbox", headers=own),
        lambda answer: answer.status_code == 200 and answer.json()["unread"] >= 1,
        timeout_s=60,
    )
    rules = [item["rule"] for item in inbox.json()["items"]]
    assert "registration_confirmed" in rules

    # The registration's event delivered again sends nothing new: a later change of the
    # session (same partition) shows the consumer got past it.
    (record,) = [
        r
        for r in await platform.read_topic("kombel.activities.trainings")
        if json.loads(r.value).get("registration_id") == made.registration["id"]
        and json.loads(r.value).get("ticket")
    ]
    await platform.produce(record.topic, record.value, record.key, list(record.headers))
    moved = await platform.client.patch(
        f"/activities/trainings/{made.training_id}/sessions/{made.session_id}",
        json={"venue": "Aula Dinas Pendidikan Kepulauan Selayar"},
        headers=made.staff,
    )
    assert moved.status_code == 200, moved.text

    async def venue() -> str | None:
        async with platform.runtime("notifications").sessions() as session:
            return await session.scalar(
                select(training_sessions.c.venue).where(training_sessions.c.id == made.session_id)
            )

    await eventually(venue, lambda v: v == "Aula Dinas Pendidikan Kepulauan Selayar")

    async def confirmations() -> int:
        async with platform.runtime("notifications").sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(messages)
                .where(
                    messages.c.registration_id == made.registration["id"],
                    messages.c.rule == "registration_confirmed",
                )
            )
        return int(count or 0)

    assert await confirmations() == 3  # email, WhatsApp, inbox: once each
    assert len(await outbox_of(platform, teacher["email"])) == 1
    assert len(await outbox_of(platform, number)) == 1
