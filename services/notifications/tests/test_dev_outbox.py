"""The dev outbox of the embedded default: with no SMTP server or gateway set, the worker
starts local ones, the channels send to them for real, and staff read what arrived on a
page; never in production."""

import asyncio
import contextlib
import types
import uuid
from typing import Any, cast

import pytest
import redis.asyncio as redis
from kombel_events.notifications import Channel
from kombel_runtime.auth import Role
from kombel_runtime.service import ServiceRuntime
from kombel_runtime.settings import Environment
from kombel_runtime.testing.harness import RunningPlatform
from notifications.app import NotificationsSettings
from notifications.channels import senders
from notifications.channels.base import Outgoing
from notifications.db.tables import dev_outbox
from notifications.dev_outbox import DevOutbox, dev_outbox_wanted
from notifications.dispatch import dispatch_worker
from pydantic import ValidationError
from sqlalchemy import select

from .delivery_fixtures import Sessions, a_contact, a_message, render, rows_of, settled, until


def settings(**values: Any) -> NotificationsSettings:
    given: dict[str, Any] = {
        "database_url": "postgresql+asyncpg://kombel@127.0.0.1/uji",
        "auth_jwks_url": "https://issuer.contoh.id/jwks",
        **values,
    }
    return NotificationsSettings(**given)


def test_the_dev_outbox_runs_only_where_a_channel_has_nowhere_else_to_go() -> None:
    assert dev_outbox_wanted(settings())
    assert dev_outbox_wanted(settings(smtp_url="smtp://127.0.0.1:25"))
    assert not dev_outbox_wanted(
        settings(smtp_url="smtp://127.0.0.1:25", whatsapp_url="https://api.fonnte.com")
    )
    assert not dev_outbox_wanted(settings(dev_outbox=False))


def test_production_refuses_the_dev_outbox_and_the_development_secrets() -> None:
    production = {
        "environment": "production",
        "object_store": "s3",
        "s3_bucket": "kombel",
        "dev_outbox": False,
        "webhook_secret": "rahasia-webhook-produksi",
        "unsubscribe_secret": "rahasia-berhenti-produksi",
    }
    assert settings(**production).environment is Environment.PRODUCTION
    for unsafe in (
        {"dev_outbox": True},
        {"webhook_secret": "kombel-development-webhook-secret"},
        {"unsubscribe_secret": "kombel-development-unsubscribe-secret"},
    ):
        with pytest.raises(ValidationError):
            settings(**{**production, **unsafe})


async def kept(sessions: Sessions) -> list[dict[str, Any]]:
    async with sessions() as session:
        found = await session.execute(select(dev_outbox).order_by(dev_outbox.c.id))
        return [dict(row) for row in found.mappings()]


async def test_what_the_channels_send_lands_in_the_dev_outbox(fresh_sessions: Sessions) -> None:
    async with DevOutbox.started(fresh_sessions) as outbox:
        channels = senders(settings(), outbox)
        assert set(channels) == {Channel.EMAIL, Channel.WHATSAPP, Channel.SMS}
        try:
            for channel, address in (
                (Channel.EMAIL, "guru@contoh.sch.id"),
                (Channel.WHATSAPP, "+6281234567890"),
                (Channel.SMS, "+6281234567891"),
            ):
                outgoing = Outgoing(
                    message_id=str(uuid.uuid4()),
                    channel=channel,
                    address=address,
                    subject="Konfirmasi" if channel is Channel.EMAIL else None,
                    text=f"Pesan lewat {channel.value}",
                    html="<p>Pesan</p>" if channel is Channel.EMAIL else None,
                )
                accepted = await channels[channel].send(outgoing)
                assert accepted.provider_message_id
        finally:
            for sender in channels.values():
                await sender.close()
    rows = await kept(fresh_sessions)
    assert [(r["channel"], r["recipient"], r["subject"], r["body"]) for r in rows] == [
        ("email", "guru@contoh.sch.id", "Konfirmasi", "Pesan lewat email"),
        ("whatsapp", "6281234567890", None, "Pesan lewat whatsapp"),
        ("sms", "6281234567891", None, "Pesan lewat sms"),
    ]
    assert "multipart/alternative" in rows[0]["raw"]


async def test_the_worker_starts_the_dev_outbox_and_sends_into_it(
    fresh_sessions: Sessions, redis_client: "redis.Redis"
) -> None:
    person = await a_contact(fresh_sessions, email="rina@contoh.sch.id")
    await a_message(fresh_sessions, person, Channel.EMAIL)
    await a_message(fresh_sessions, person, Channel.WHATSAPP)
    runtime = types.SimpleNamespace(
        settings=settings(retry_base_s=0.05, retry_cap_s=0.1),
        sessions=fresh_sessions,
        redis=redis_client,
        source="/kombel/notifications",
    )
    stopping = asyncio.Event()
    run = dispatch_worker(lambda _settings: render)
    work = asyncio.ensure_future(run(cast(ServiceRuntime, runtime), stopping))
    try:
        await until(lambda: rows_of(fresh_sessions), settled)
        rows = await until(lambda: kept(fresh_sessions), lambda found: len(found) == 2)
    finally:
        stopping.set()
        with contextlib.suppress(asyncio.CancelledError):
            await work
    assert {(r["channel"], r["subject"]) for r in rows} == {
        ("email", "Uji: registration_confirmed"),
        ("whatsapp", None),
    }
    assert {r["status"] for r in await rows_of(fresh_sessions)} == {"sent"}


async def note(platform: RunningPlatform, **row: Any) -> int:
    async with platform.runtime("notifications").sessions() as session, session.begin():
        kept_id = await session.scalar(dev_outbox.insert().values(**row).returning(dev_outbox.c.id))
    assert kept_id is not None
    return int(kept_id)


@pytest.mark.infra
async def test_staff_read_the_dev_outbox_newest_first(platform: RunningPlatform) -> None:
    older = await note(platform, channel="whatsapp", recipient="6281200000001", body="Pengingat")
    newer = await note(
        platform,
        channel="email",
        recipient="guru@contoh.sch.id",
        subject="<script>alert(1)</script> Konfirmasi",
        body="Anda terdaftar.",
    )
    staff = platform.auth(Role.PROVINCE_STAFF, province="63")
    listed = await platform.client.get("/notifications/dev/outbox.json", headers=staff)
    assert listed.status_code == 200
    ids = [item["id"] for item in listed.json()["items"]]
    assert ids.index(newer) < ids.index(older)
    page = await platform.client.get("/notifications/dev/outbox", headers=staff)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Kotak keluar lokal" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Konfirmasi" in page.text
    assert "<script>" not in page.text
    member = platform.auth(Role.MEMBER, person=str(uuid.uuid4()))
    for path in ("/notifications/dev/outbox", "/notifications/dev/outbox.json"):
        assert (await platform.client.get(path, headers=member)).status_code == 403
        assert (await platform.client.get(path)).status_code == 401


@pytest.mark.infra
async def test_the_dev_page_is_absent_in_production(platform: RunningPlatform) -> None:
    runtime_settings = platform.runtime("notifications").settings
    staff = platform.auth(Role.NATIONAL_ADMIN)
    runtime_settings.environment = Environment.PRODUCTION
    try:
        answer = await platform.client.get("/notifications/dev/outbox.json", headers=staff)
    finally:
        runtime_settings.environment = Environment.DEVELOPMENT
    assert answer.status_code == 404
