"""Servers on 127.0.0.1 that take what the channels send, as the real ones would answer: an
SMTP server (aiosmtpd) and an HTTP gateway that speaks the Fonnte, Wablas and Cloud API
shapes. The dev outbox keeps what they receive in its table; the tests' servers
(`notifications.testing`) keep it in memory and can be told to refuse or fail.

What each receives is handed to a callback, which answers with a verdict: take it, refuse
the recipient for good, or fail for now (a 5xx, a 429) — the same answers the adapters in
`notifications.channels` read.
"""

import asyncio
import contextlib
import logging
import socket
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import uvicorn
from aiosmtpd.smtp import SMTP, Envelope, Session
from kombel_events.notifications import Channel
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from notifications.channels.whatsapp import CLOUD, FONNTE, WABLAS

LOCALHOST = "127.0.0.1"

# aiosmtpd logs every sender and recipient address at INFO.
logging.getLogger("mail.log").setLevel(logging.WARNING)


# Mail


@dataclass(frozen=True)
class CaughtMail:
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage
    raw: bytes


class MailCatcher:
    """An aiosmtpd handler: `refusal(address)` may answer a recipient with an SMTP reply
    (e.g. "550 5.1.1 …"); what is accepted goes to `deliver`."""

    def __init__(
        self,
        deliver: Callable[[CaughtMail], Awaitable[None]],
        refusal: Callable[[str], str | None] = lambda _: None,
    ) -> None:
        self._deliver = deliver
        self._refusal = refusal

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook names)
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        refused = self._refusal(address)
        if refused:
            return refused
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        mail = CaughtMail(envelope.mail_from or "", tuple(envelope.rcpt_tos), message, raw)
        await self._deliver(mail)
        return "250 Message accepted for delivery"


def text_of(message: EmailMessage) -> str:
    """The plain-text part of a caught email."""
    part = message.get_body(preferencelist=("plain",))
    text = str(part.get_content()) if part is not None else ""
    return text.replace("\r\n", "\n").strip()


@contextlib.asynccontextmanager
async def smtp_server(
    handler: MailCatcher, port: int = 0, *, authenticator: Any = None
) -> AsyncIterator[int]:
    """An SMTP server on 127.0.0.1 until the block ends; yields its port. With an
    `authenticator` (aiosmtpd's), senders must log in (here without TLS)."""
    loop = asyncio.get_running_loop()

    def protocol() -> SMTP:
        with warnings.catch_warnings():
            # A login without TLS is what a test of logging in on 127.0.0.1 wants.
            warnings.simplefilter("ignore", UserWarning)
            return _protocol()

    def _protocol() -> SMTP:
        return SMTP(
            handler,
            hostname="kombel-outbox.localhost",
            enable_SMTPUTF8=True,
            authenticator=authenticator,
            auth_required=authenticator is not None,
            auth_require_tls=False,
            loop=loop,
        )

    server = await loop.create_server(protocol, LOCALHOST, port)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 2)


# Gateway


@dataclass(frozen=True)
class GatewayCall:
    """One message a gateway was asked to send."""

    provider: str  # fonnte | wablas | cloud
    channel: Channel  # whatsapp, or sms on the `/sms/…` paths
    target: str  # digits
    text: str
    authorization: str | None


@dataclass(frozen=True)
class Take:
    id: str


@dataclass(frozen=True)
class RefuseNumber:
    pass


@dataclass(frozen=True)
class FailNow:
    status: int = 500
    retry_after_s: float | None = None


Verdict = Take | RefuseNumber | FailNow
Decide = Callable[[GatewayCall], Awaitable[Verdict]]


async def _fields(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.json()
        return body if isinstance(body, dict) else {}
    return dict(await request.form())


def _failure(verdict: FailNow) -> JSONResponse:
    headers = {}
    if verdict.retry_after_s is not None:
        headers["Retry-After"] = str(int(verdict.retry_after_s))
    body = {"status": False, "reason": "gateway unavailable"}
    return JSONResponse(body, status_code=verdict.status, headers=headers)


def gateway_app(decide: Decide) -> Starlette:
    """An HTTP gateway answering as Fonnte (`/send`, and `/sms/send` for SMS), Wablas
    (`/api/send-message`) and the Cloud API (`/{phone_number_id}/messages`) do."""

    def call(
        provider: str, channel: Channel, request: Request, target: Any, text: Any
    ) -> GatewayCall:
        return GatewayCall(
            provider,
            channel,
            str(target or ""),
            str(text or ""),
            request.headers.get("authorization"),
        )

    async def fonnte(request: Request) -> JSONResponse:
        fields = await _fields(request)
        channel = Channel.SMS if request.url.path.startswith("/sms") else Channel.WHATSAPP
        asked = call(FONNTE, channel, request, fields.get("target"), fields.get("message"))
        verdict = await decide(asked)
        if isinstance(verdict, FailNow):
            return _failure(verdict)
        if isinstance(verdict, RefuseNumber):
            return JSONResponse({"reason": "target invalid", "status": False})
        return JSONResponse(
            {
                "detail": "success! message in queue",
                "id": [verdict.id],
                "process": "pending",
                "status": True,
                "target": [asked.target],
            }
        )

    async def wablas(request: Request) -> JSONResponse:
        fields = await _fields(request)
        asked = call(WABLAS, Channel.WHATSAPP, request, fields.get("phone"), fields.get("message"))
        verdict = await decide(asked)
        if isinstance(verdict, FailNow):
            return _failure(verdict)
        if isinstance(verdict, RefuseNumber):
            return JSONResponse({"status": False, "message": "phone number not registered"})
        message = {"id": verdict.id, "phone": asked.target, "status": "pending"}
        return JSONResponse(
            {
                "status": True,
                "message": "Message is pending and waiting to be processed",
                "data": {"device_id": "kombel-outbox", "messages": [message]},
            }
        )

    async def cloud(request: Request) -> JSONResponse:
        fields = await _fields(request)
        body = (
            (fields.get("text") or {}).get("body") if isinstance(fields.get("text"), dict) else None
        )
        asked = call(CLOUD, Channel.WHATSAPP, request, fields.get("to"), body)
        verdict = await decide(asked)
        if isinstance(verdict, FailNow):
            return _failure(verdict)
        if isinstance(verdict, RefuseNumber):
            error = {"message": "(#131026) Message Undeliverable.", "code": 131026}
            return JSONResponse({"error": error}, status_code=400)
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": asked.target, "wa_id": asked.target}],
                "messages": [{"id": f"wamid.{verdict.id}"}],
            }
        )

    return Starlette(
        routes=[
            Route("/send", fonnte, methods=["POST"]),
            Route("/sms/send", fonnte, methods=["POST"]),
            Route("/api/send-message", wablas, methods=["POST"]),
            Route("/{phone_number_id}/messages", cloud, methods=["POST"]),
        ]
    )


@contextlib.asynccontextmanager
async def http_server(app: Any, port: int = 0) -> AsyncIterator[str]:
    """An ASGI app served on 127.0.0.1 until the block ends; yields its base URL. The server
    runs on the caller's loop and installs no signal handlers (the service owns those)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((LOCALHOST, port))
    config = uvicorn.Config(app, lifespan="off", log_config=None, access_log=False)
    config.load()
    server = uvicorn.Server(config)
    server.lifespan = config.lifespan_class(config)
    await server.startup(sockets=[listener])
    try:
        yield f"http://{LOCALHOST}:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        await server.shutdown(sockets=[listener])
