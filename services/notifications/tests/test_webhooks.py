"""Delivery statuses posted back by the gateways: each provider's words read as one state
machine, statuses in any order ending in the furthest, unknown messages answered and
ignored, and only callers with the shared secret heard."""

import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from kombel_events.notifications import Channel, DeliveryStatus
from kombel_runtime.testing.harness import RunningPlatform
from notifications.channels.whatsapp import CLOUD, FONNTE, WABLAS, read_status_reports
from notifications.db.tables import messages
from sqlalchemy import update

from .delivery_fixtures import (
    Sessions,
    a_contact,
    a_message,
    events_of,
    history_of,
    row_of,
    rows_of,
)

NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
SECRET = "kombel-development-webhook-secret"  # the platform's development default


def cloud_status(wamid: str, status: str, at: int = 1765155600, code: int | None = None) -> Any:
    item: dict[str, Any] = {"id": wamid, "status": status, "timestamp": str(at)}
    if code is not None:
        item["errors"] = [{"code": code, "title": "Message undeliverable"}]
    value = {"messaging_product": "whatsapp", "statuses": [item]}
    return {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": value}]}]}


def test_each_providers_words_read_as_one_vocabulary() -> None:
    fonnte = [
        {"device": "628", "id": "81", "stateid": "x", "status": "sent", "state": "read"},
        {"id": "82", "status": "sent", "state": "delivered"},
        {"id": "83", "status": "invalid", "state": ""},
        {"id": "84", "status": "pending"},
        {"id": "85", "status": "whatever"},
    ]
    read = [(r.provider_message_id, r.status) for r in read_status_reports(FONNTE, fonnte[0], NOW)]
    assert read == [("81", DeliveryStatus.READ)]
    reports = [r for item in fonnte for r in read_status_reports(FONNTE, item, NOW)]
    assert [r.status for r in reports] == [
        DeliveryStatus.READ,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.FAILED,
        DeliveryStatus.QUEUED,
    ]
    assert reports[2].detail == "fonnte: invalid"
    wablas = {"id": "w-1", "phone": "628", "status": "delivered", "note": ""}
    assert [r.status for r in read_status_reports(WABLAS, wablas, NOW)] == [
        DeliveryStatus.DELIVERED
    ]
    cloud = cloud_status("wamid.A", "failed", code=131026)
    (failed,) = read_status_reports(CLOUD, cloud, NOW)
    assert (failed.provider_message_id, failed.status) == ("wamid.A", DeliveryStatus.FAILED)
    assert failed.detail == "cloud: error 131026"
    assert failed.at == datetime.fromtimestamp(1765155600, UTC)
    assert read_status_reports(CLOUD, {"entry": [{"changes": [{"value": {}}]}]}, NOW) == []
    assert read_status_reports(FONNTE, "not json", NOW) == []


async def a_sent_message(
    sessions: Sessions, provider: str = FONNTE, channel: Channel = Channel.WHATSAPP
) -> tuple[uuid.UUID, str]:
    person = await a_contact(sessions)
    message_id = await a_message(sessions, person, channel)
    provider_id = uuid.uuid4().hex
    async with sessions() as session, session.begin():
        await session.execute(
            update(messages)
            .where(messages.c.id == message_id)
            .values(status="sent", provider=provider, provider_message_id=provider_id)
        )
    return message_id, provider_id


def notifications_of(platform: RunningPlatform) -> Sessions:
    return platform.runtime("notifications").sessions


async def post(platform: RunningPlatform, provider: str, body: Any, **headers: str) -> Any:
    given = {"X-Kombel-Webhook-Secret": SECRET, **headers}
    return await platform.client.post(
        f"/notifications/webhooks/{provider}", json=body, headers=given
    )


@pytest.mark.infra
async def test_statuses_out_of_order_end_in_the_furthest(platform: RunningPlatform) -> None:
    sessions = notifications_of(platform)
    message_id, provider_id = await a_sent_message(sessions)
    for status, state in (("sent", "read"), ("sent", "delivered"), ("sent", "sent")):
        answer = await post(
            platform, "fonnte", {"id": provider_id, "status": status, "state": state}
        )
        assert answer.status_code == 200
    row = await row_of(sessions, message_id)
    assert row["status"] == "read"
    assert row["read_at"] is not None
    assert row["delivered_at"] is not None
    assert await history_of(sessions, message_id) == ["read", "delivered", "sent"]
    assert [e["status"] for e in await events_of(sessions, message_id)] == ["read"]


@pytest.mark.infra
async def test_a_failure_after_delivery_changes_nothing_before_it_falls_over(
    platform: RunningPlatform,
) -> None:
    sessions = notifications_of(platform)
    delivered, delivered_id = await a_sent_message(sessions, WABLAS)
    await post(platform, "wablas", {"id": delivered_id, "status": "delivered"})
    await post(platform, "wablas", {"id": delivered_id, "status": "failed"})
    assert (await row_of(sessions, delivered))["status"] == "delivered"

    refused, refused_id = await a_sent_message(sessions, CLOUD)
    answer = await platform.client.post(
        "/notifications/webhooks/cloud",
        params={"secret": SECRET},
        json=cloud_status(refused_id, "failed", code=131026),
    )
    assert answer.json() == {"received": 1, "applied": 1}
    row = await row_of(sessions, refused)
    assert (row["status"], row["failure_reason"]) == ("failed", "cloud: error 131026")
    (fallback,) = await rows_of(sessions, messages.c.fallback_of == refused)
    # The platform runs the dev outbox, whose gateway takes SMS too; its dispatcher may
    # already be sending the fallback.
    assert fallback["channel"] == "sms"
    assert fallback["status"] in ("queued", "sending", "sent", "delivered")
    (event,) = await events_of(sessions, refused)
    assert (event["status"], event["reason"]) == ("failed", "cloud: error 131026")


@pytest.mark.infra
async def test_unknown_messages_are_answered_and_ignored(platform: RunningPlatform) -> None:
    answer = await post(platform, "fonnte", {"id": "no-such-id", "status": "sent", "state": "read"})
    assert (answer.status_code, answer.json()) == (200, {"received": 1, "applied": 0})
    chat = await post(platform, "fonnte", {"sender": "628", "message": "halo"})
    assert (chat.status_code, chat.json()) == (200, {"received": 0, "applied": 0})
    garbled = await platform.client.post(
        "/notifications/webhooks/wablas",
        content=b"{not json",
        headers={"X-Kombel-Webhook-Secret": SECRET, "Content-Type": "application/json"},
    )
    assert garbled.status_code == 200


@pytest.mark.infra
async def test_only_the_shared_secret_or_the_clouds_signature_is_heard(
    platform: RunningPlatform,
) -> None:
    sessions = notifications_of(platform)
    message_id, provider_id = await a_sent_message(sessions, CLOUD)
    body = json.dumps(cloud_status(provider_id, "delivered")).encode()
    for headers in ({}, {"X-Kombel-Webhook-Secret": "tebakan"}):
        refused = await platform.client.post(
            "/notifications/webhooks/cloud", content=body, headers=headers
        )
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "webhook_secret_invalid"
    forged = "sha256=" + hmac.new(b"tebakan", body, hashlib.sha256).hexdigest()
    refused = await platform.client.post(
        "/notifications/webhooks/cloud", content=body, headers={"X-Hub-Signature-256": forged}
    )
    assert refused.status_code == 403
    assert (await row_of(sessions, message_id))["status"] == "sent"
    signed = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    answer = await platform.client.post(
        "/notifications/webhooks/cloud",
        content=body,
        headers={"X-Hub-Signature-256": signed, "Content-Type": "application/json"},
    )
    assert answer.status_code == 200
    assert (await row_of(sessions, message_id))["status"] == "delivered"
    # The signature is the Cloud API's way only.
    other = await platform.client.post(
        "/notifications/webhooks/fonnte", content=body, headers={"X-Hub-Signature-256": signed}
    )
    assert other.status_code == 403


@pytest.mark.infra
async def test_the_cloud_apis_subscription_check_is_answered(platform: RunningPlatform) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": SECRET, "hub.challenge": "1158201444"}
    answer = await platform.client.get("/notifications/webhooks/cloud", params=query)
    assert (answer.status_code, answer.text) == (200, "1158201444")
    wrong = await platform.client.get(
        "/notifications/webhooks/cloud", params={**query, "hub.verify_token": "tebakan"}
    )
    assert wrong.status_code == 403
