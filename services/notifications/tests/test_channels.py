"""The channel adapters against real servers on 127.0.0.1: what an SMTP server and each
gateway receive, and how their refusals and failures read (for good, or for now)."""

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from email.message import EmailMessage

import pytest
from kombel_events.notifications import Channel
from notifications.app import NotificationsSettings
from notifications.channels import senders
from notifications.channels.base import Outgoing, Permanent, Transient
from notifications.channels.email import EmailSender
from notifications.channels.whatsapp import CLOUD, FONNTE, WABLAS, GatewaySender, gateway_profile
from notifications.testing import GatewayRecorder, SmtpCatcher

from .delivery_fixtures import qr_png

FROM = "Kombel <no-reply@kombel.test>"


def an_email(address: str = "guru@contoh.sch.id", **changes: object) -> Outgoing:
    given: dict[str, object] = {
        "message_id": "0190b7a2-1111-7000-8000-000000000001",
        "channel": Channel.EMAIL,
        "address": address,
        "subject": "Konfirmasi pendaftaran bimtek",
        "text": "Anda terdaftar. Tunjukkan tiket saat datang.",
        "html": '<p>Anda terdaftar.</p><img src="cid:tiket-qr" alt="QR tiket">',
        "unsubscribe_url": "http://kombel.test/notifications/unsubscribe/abc",
        "images": {"tiket-qr": qr_png()},
    }
    given.update(changes)
    return Outgoing(**given)  # type: ignore[arg-type]


def a_whatsapp(number: str = "+6281234567890") -> Outgoing:
    return Outgoing(
        message_id="0190b7a2-2222-7000-8000-000000000002",
        channel=Channel.WHATSAPP,
        address=number,
        subject=None,
        text="Pengingat: bimtek besok pukul 08.00 WITA.",
    )


async def test_an_email_arrives_with_text_html_its_qr_inline_and_one_click_unsubscribe(
    smtp: SmtpCatcher,
) -> None:
    sender = EmailSender(smtp.url, FROM)
    try:
        accepted = await sender.send(an_email())
    finally:
        await sender.close()
    (mail,) = smtp.to("guru@contoh.sch.id")
    message = mail.message
    assert message["Subject"] == "Konfirmasi pendaftaran bimtek"
    assert message["Message-ID"] == "<0190b7a2-1111-7000-8000-000000000001@kombel.test>"
    assert accepted.provider_message_id == message["Message-ID"]
    assert message["List-Unsubscribe"] == "<http://kombel.test/notifications/unsubscribe/abc>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None
    assert "Tunjukkan tiket" in plain.get_content()
    assert html is not None
    assert 'src="cid:tiket-qr"' in html.get_content()
    (image,) = [p for p in message.walk() if p.get_content_maintype() == "image"]
    assert isinstance(image, EmailMessage)
    assert image["Content-ID"] == "<tiket-qr>"
    assert image.get_content_type() == "image/png"
    assert image.get_content() == qr_png()


async def test_a_plain_email_has_no_unsubscribe_headers(smtp: SmtpCatcher) -> None:
    sender = EmailSender(smtp.url, FROM)
    try:
        await sender.send(an_email(html=None, images={}, unsubscribe_url=None))
        await sender.send(an_email(address="kedua@contoh.sch.id", html=None, images={}))
    finally:
        await sender.close()
    first, second = smtp.mails
    assert first.message.get_content_type() == "text/plain"
    assert "List-Unsubscribe" not in first.message
    assert second.recipients == ("kedua@contoh.sch.id",)  # a kept connection still sends


async def test_a_login_in_the_url_is_used() -> None:
    async with SmtpCatcher(login=("kombel", "rahasia:@/1")) as smtp:
        sender = EmailSender(smtp.url, FROM)
        try:
            await sender.send(an_email())
        finally:
            await sender.close()
        assert len(smtp.mails) == 1
        wrong = EmailSender(smtp.url.replace("rahasia", "salah"), FROM)
        with pytest.raises(Transient, match="login"):
            await wrong.send(an_email())
        await wrong.close()


async def test_smtp_refusals_read_as_for_good_or_for_now(smtp: SmtpCatcher) -> None:
    smtp.refuse("hilang@contoh.sch.id")
    smtp.defer("penuh@contoh.sch.id")
    sender = EmailSender(smtp.url, FROM)
    try:
        with pytest.raises(Permanent, match="550") as refused:
            await sender.send(an_email("hilang@contoh.sch.id"))
        assert "hilang" not in refused.value.reason
        with pytest.raises(Transient, match="451"):
            await sender.send(an_email("penuh@contoh.sch.id"))
        await sender.send(an_email())
    finally:
        await sender.close()
    assert [m.recipients for m in smtp.mails] == [("guru@contoh.sch.id",)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_an_smtp_server_out_of_reach_is_a_failure_for_now() -> None:
    sender = EmailSender(f"smtp://127.0.0.1:{free_port()}", FROM, timeout_s=2)
    with pytest.raises(Transient, match="smtp_unreachable"):
        await sender.send(an_email())


@pytest.mark.parametrize(
    ("provider", "authorization"),
    [(FONNTE, "token-uji"), (WABLAS, "token-uji"), (CLOUD, "Bearer token-uji")],
)
async def test_each_gateway_profile_sends_in_its_own_shape(
    gateway: GatewayRecorder, provider: str, authorization: str
) -> None:
    profile = gateway_profile(provider, gateway.url, "token-uji", phone_number_id="10987654321")
    sender = GatewaySender(Channel.WHATSAPP, profile)
    try:
        accepted = await sender.send(a_whatsapp())
    finally:
        await sender.close()
    (call,) = gateway.calls
    assert (call.provider, call.channel, call.target) == (
        provider,
        Channel.WHATSAPP,
        "6281234567890",
    )
    assert call.text == "Pengingat: bimtek besok pukul 08.00 WITA."
    assert call.authorization == authorization
    assert accepted.provider == provider
    assert accepted.provider_message_id is not None
    assert accepted.provider_message_id.removeprefix("wamid.") == gateway.ids[-1]


@pytest.mark.parametrize("provider", [FONNTE, WABLAS, CLOUD])
async def test_a_refused_number_is_refused_for_good_and_an_outage_for_now(
    gateway: GatewayRecorder, provider: str
) -> None:
    profile = gateway_profile(provider, gateway.url, "token-uji", phone_number_id="10987654321")
    sender = GatewaySender(Channel.WHATSAPP, profile)
    try:
        gateway.refuse("+6289900000000")
        with pytest.raises(Permanent) as refused:
            await sender.send(a_whatsapp("+6289900000000"))
        assert "6289900000000" not in refused.value.reason
        gateway.fail(500)
        with pytest.raises(Transient, match="500"):
            await sender.send(a_whatsapp())
        gateway.fail(429, retry_after_s=7)
        with pytest.raises(Transient) as limited:
            await sender.send(a_whatsapp())
        assert limited.value.retry_after_s == 7
        gateway.recover()
        await sender.send(a_whatsapp())
    finally:
        await sender.close()
    assert gateway.taken() == {"6281234567890": 1}


@contextlib.asynccontextmanager
async def silent_server() -> AsyncIterator[str]:
    """A server that takes the connection and never answers."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()


async def test_a_gateway_that_hangs_or_is_gone_fails_for_now() -> None:
    async with silent_server() as url:
        sender = GatewaySender(Channel.WHATSAPP, gateway_profile(FONNTE, url, "t"), timeout_s=0.3)
        with pytest.raises(Transient, match="timeout"):
            await sender.send(a_whatsapp())
        await sender.close()
    gone = GatewaySender(
        Channel.WHATSAPP, gateway_profile(FONNTE, f"http://127.0.0.1:{free_port()}", "t")
    )
    with pytest.raises(Transient, match="unreachable"):
        await gone.send(a_whatsapp())
    await gone.close()


async def test_sms_goes_through_the_same_gateway_shape(gateway: GatewayRecorder) -> None:
    sender = GatewaySender(Channel.SMS, gateway_profile(FONNTE, f"{gateway.url}/sms", "sms-token"))
    try:
        await sender.send(a_whatsapp())
    finally:
        await sender.close()
    (call,) = gateway.calls
    assert (call.channel, call.authorization) == (Channel.SMS, "sms-token")


def settings(**values: object) -> NotificationsSettings:
    return NotificationsSettings(
        database_url="postgresql+asyncpg://kombel@127.0.0.1/uji",
        auth_jwks_url="http://127.0.0.1/jwks",
        **values,  # type: ignore[arg-type]
    )


async def test_only_configured_channels_get_a_sender() -> None:
    assert senders(settings()) == {}
    found = senders(
        settings(
            smtp_url="smtp://127.0.0.1:2525",
            whatsapp_url="https://api.fonnte.com",
            whatsapp_token="t",
        )
    )
    assert set(found) == {Channel.EMAIL, Channel.WHATSAPP}
    assert found[Channel.WHATSAPP].provider == FONNTE
    with_sms = senders(
        settings(
            whatsapp_url="https://graph.facebook.com/v21.0",
            whatsapp_provider="cloud",
            whatsapp_phone_number_id="1098",
            sms_url="https://sms.contoh.id",
        )
    )
    assert {c: s.provider for c, s in with_sms.items()} == {
        Channel.WHATSAPP: CLOUD,
        Channel.SMS: FONNTE,
    }
    for sender in [*found.values(), *with_sms.values()]:
        await sender.close()
