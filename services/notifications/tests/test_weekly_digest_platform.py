"""The weekly digest end to end: staff subscribe for their area, reporting compiles the digest
as of a Monday 07.05 local time, and notifications mails it (through the embedded default's
local SMTP server) to the district's subscribers, the province's digest to the province's,
and nothing to staff who did not subscribe."""

import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from kombel_events.regions import TimeZone, regions
from kombel_runtime.auth import Role
from kombel_runtime.local_time import Language, long_date
from kombel_runtime.testing.harness import RunningPlatform, eventually
from kombel_runtime.testing.regions import fresh_kabkotas, fresh_province
from notifications.db.tables import digest_subscriptions, messages
from reporting.testing import a_directory_row, a_future_monday, monday_at, tick
from sqlalchemy import select

from .test_sending_platform import outbox_of

pytestmark = pytest.mark.infra

URL = "/notifications/digests/subscription"


def staff(platform: RunningPlatform, role: Role, **scope: Any) -> dict[str, str]:
    """A staff token with a subject of its own, the same on every call."""
    return platform.auth(role, subject=f"staf-{secrets.token_hex(4)}", **scope)


def an_email(who: str) -> str:
    return f"{who}.{secrets.token_hex(4)}@disdik.contoh.go.id"


async def digests_to(
    platform: RunningPlatform, address: str, due: datetime, zone: TimeZone
) -> list[dict[str, Any]]:
    """What the dev outbox caught for `address` of the digest due at `due` (a live worker may
    send the real week's too, on a Monday)."""
    day = long_date(due, zone, Language.INDONESIAN)
    return [row for row in await outbox_of(platform, address) if day in row["body"]]


async def subscribe(platform: RunningPlatform, headers: dict[str, str], **body: Any) -> Any:
    answer = await platform.client.put(URL, json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_staff_subscribe_for_the_area_of_their_token(platform: RunningPlatform) -> None:
    here, there = fresh_kabkotas(2)
    district = staff(platform, Role.DISTRICT_STAFF, kabkota=here)
    fresh = await platform.client.get(URL, headers=district)
    assert fresh.status_code == 200, fresh.text
    assert fresh.json() | {"area_name": None} == {
        "area_kind": "kabkota",
        "area_code": here,
        "area_name": None,
        "enabled": False,
        "email": None,
        "whatsapp": None,
        "language": "id",
        "inbox": False,
    }

    address = an_email("Kabid.GTK")
    chosen = await subscribe(
        platform, district, enabled=True, email=address, whatsapp="0812 3456 7890", language="en"
    )
    assert (chosen["email"], chosen["whatsapp"]) == (address.lower(), "+6281234567890")
    assert (await platform.client.get(URL, headers=district)).json() == chosen
    # Moved to another district, the same person is asked to save again for the new one.
    subject = f"staf-{secrets.token_hex(4)}"
    before = platform.auth(Role.DISTRICT_STAFF, kabkota=here, subject=subject)
    await subscribe(platform, before, enabled=True, email=address)
    moved = platform.auth(Role.DISTRICT_STAFF, kabkota=there, subject=subject)
    now = (await platform.client.get(URL, headers=moved)).json()
    assert (now["area_code"], now["enabled"], now["email"]) == (there, False, address.lower())

    # Switched on, it needs somewhere to go; a bad address is refused without repeating it.
    for body in ({"enabled": True}, {"enabled": True, "email": "bukan-alamat@"}):
        refused = await platform.client.put(URL, json=body, headers=district)
        assert refused.status_code == 422, refused.text
        assert "bukan-alamat" not in refused.text
        assert refused.json()["error"]["code"]

    teacher = platform.auth(Role.MEMBER, person=str(uuid.uuid4()))
    for call in (
        platform.client.get(URL, headers=teacher),
        platform.client.put(URL, json={"enabled": False}, headers=teacher),
    ):
        answer = await call
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "digest_staff_only"


async def _messages_of(platform: RunningPlatform, subject: str) -> list[dict[str, Any]]:
    async with platform.runtime("notifications").sessions() as session:
        subscription = await session.scalar(
            select(digest_subscriptions.c.id).where(digest_subscriptions.c.subject == subject)
        )
        rows = await session.execute(select(messages).where(messages.c.person_id == subscription))
        return [dict(r) for r in rows.mappings()]


async def test_the_digest_reaches_district_and_province_subscribers_and_no_one_else(
    platform: RunningPlatform,
) -> None:
    province, (here, there, *_) = fresh_province()
    zone = regions().by_code[here].timezone
    week = a_future_monday(2)
    due = monday_at(week, 7, 0, zone)
    await a_directory_row(
        platform,
        here,
        "KKG Gugus 4 Tepian",
        active_until=due - timedelta(days=3),
        last_activity_at=due - timedelta(days=63),
    )
    await a_directory_row(platform, here, "MGMP Bahasa Indonesia", active_until=due + timedelta(30))
    await a_directory_row(
        platform, there, "Kombel SMPN 3 Hulu", active_until=due - timedelta(days=1)
    )

    person = str(uuid.uuid4())  # staff with a person claim get a copy in their inbox
    district = staff(platform, Role.DISTRICT_STAFF, kabkota=here, person=person)
    district_mail, number = an_email("kasi.kurikulum"), f"0813{secrets.randbelow(10**8):08d}"
    await subscribe(platform, district, enabled=True, email=district_mail, whatsapp=number)
    provincial = staff(platform, Role.PROVINCE_STAFF, province=province)
    province_mail = an_email("bbgp")
    await subscribe(platform, provincial, enabled=True, email=province_mail)
    quiet_subject = f"staf-{secrets.token_hex(4)}"
    declined = platform.auth(Role.DISTRICT_STAFF, kabkota=here, subject=quiet_subject)
    declined_mail = an_email("sekdin")
    await subscribe(platform, declined, enabled=False, email=declined_mail)

    assert await tick(platform, monday_at(week, 7, 5, zone), [here, there, province]) == 3

    (mail,) = await eventually(
        lambda: digests_to(platform, district_mail, due, zone), bool, timeout_s=60
    )
    district_name = regions().by_code[here].display_name
    assert mail["subject"] == f"Ringkasan mingguan {district_name}: 1 komunitas berhenti aktif"
    assert "KKG Gugus 4 Tepian" in mail["body"]
    assert "MGMP Bahasa Indonesia" not in mail["body"]
    assert "Kombel SMPN 3 Hulu" not in mail["body"]  # another district's
    assert f"07.00 {zone.value}" in mail["body"]

    (text,) = await eventually(
        lambda: digests_to(platform, "62" + number[1:], due, zone), bool, timeout_s=60
    )
    assert "1 berhenti aktif minggu ini: KKG Gugus 4 Tepian." in text["body"]

    (regional,) = await eventually(
        lambda: digests_to(platform, province_mail, due, zone), bool, timeout_s=60
    )
    province_name = regions().by_code[province].display_name
    assert regional["subject"] == f"Ringkasan mingguan {province_name}: 2 komunitas berhenti aktif"
    assert "KKG Gugus 4 Tepian" in regional["body"]
    assert "Kombel SMPN 3 Hulu" in regional["body"]

    inbox = await eventually(
        lambda: platform.client.get("/notifications/inbox", headers=district),
        lambda answer: answer.status_code == 200 and answer.json()["unread"] >= 1,
        timeout_s=60,
    )
    (item,) = [i for i in inbox.json()["items"] if "KKG Gugus 4 Tepian" in i["body"]]
    assert item["rule"] == "weekly_digest"
    assert "KKG Gugus 4 Tepian" in item["body"]

    # Whoever did not subscribe got nothing; a digest told again plans nothing new.
    assert await outbox_of(platform, declined_mail) == []
    assert await _messages_of(platform, quiet_subject) == []
    assert await tick(platform, monday_at(week, 9, 0, zone), [here, there, province]) == 0
    assert len(await digests_to(platform, district_mail, due, zone)) == 1
