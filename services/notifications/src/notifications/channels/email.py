"""Email over SMTP (aiosmtplib): `smtp://[user:password@]host:port` upgrades with STARTTLS when
the server offers it, `smtps://` speaks TLS from the first byte; a user in the URL logs in.

A message is multipart/alternative (plain text and HTML), the HTML with its images inline by
Content-ID (the ticket's QR), one-click unsubscribe headers (RFC 8058) when a link is given,
and a Message-ID made from the message's id. Connections are kept and reused: a burst of
thousands would otherwise open as many sessions (and TLS handshakes).

A 5xx answer to the recipient or the data is `Permanent`; 4xx answers, connection failures
and timeouts are `Transient`, and so are 5xx answers to the login or the sender (a setting
to fix, not a recipient to give up on).
"""

import asyncio
import contextlib
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from urllib.parse import unquote, urlsplit

import aiosmtplib
from kombel_events.notifications import Channel

from notifications.channels.base import Accepted, Outgoing, Permanent, Transient

_IMAGE_TYPES = {b"\x89PNG": "png", b"\xff\xd8\xff": "jpeg", b"GIF8": "gif"}


def email_message(message: Outgoing, sender: str) -> EmailMessage:
    """The MIME message of an outgoing email."""
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = message.address
    mime["Subject"] = message.subject or ""
    mime["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "kombel.localhost"
    mime["Message-ID"] = f"<{message.message_id}@{domain}>"
    if message.unsubscribe_url:
        mime["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        mime["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    for name, value in message.headers.items():
        mime[name] = value
    mime.set_content(message.text)
    if message.html is not None:
        mime.add_alternative(message.html, subtype="html")
        html = mime.get_payload()[-1]  # type: ignore[index]
        assert isinstance(html, EmailMessage)
        for content_id, image in message.images.items():
            html.add_related(image, "image", _image_subtype(image), cid=f"<{content_id}>")
    return mime


def _image_subtype(image: bytes) -> str:
    for magic, subtype in _IMAGE_TYPES.items():
        if image.startswith(magic):
            return subtype
    return "png"


class EmailSender:
    channel = Channel.EMAIL
    provider = "smtp"

    def __init__(
        self, url: str, sender: str, *, timeout_s: float = 30.0, connections: int = 4
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("the SMTP URL must be smtp://host:port or smtps://host:port")
        self._implicit_tls = parts.scheme == "smtps"
        self._host = parts.hostname
        self._port = parts.port or (465 if self._implicit_tls else 25)
        self._username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._sender = sender
        self._timeout_s = timeout_s
        self._slots = asyncio.Semaphore(connections)
        self._idle: list[aiosmtplib.SMTP] = []

    async def send(self, message: Outgoing) -> Accepted:
        mime = email_message(message, self._sender)
        async with self._slots:
            reused = bool(self._idle)
            client = self._idle.pop() if reused else await self._connect()
            try:
                await client.send_message(mime)
            except aiosmtplib.SMTPServerDisconnected as error:
                await self._discard(client)
                if not reused:
                    raise _refusal(error) from None
                # A kept connection the server closed while idle: once more on a new one.
                client = await self._connect()
                try:
                    await client.send_message(mime)
                except (aiosmtplib.SMTPException, OSError) as error:
                    await self._discard(client)
                    raise _refusal(error) from None
            except (aiosmtplib.SMTPException, OSError) as error:
                await self._discard(client)
                raise _refusal(error) from None
            self._idle.append(client)
        return Accepted(self.provider, mime["Message-ID"])

    async def _connect(self) -> aiosmtplib.SMTP:
        client = aiosmtplib.SMTP(
            hostname=self._host,
            port=self._port,
            username=self._username,
            password=self._password,
            use_tls=self._implicit_tls,
            start_tls=None if not self._implicit_tls else False,
            timeout=self._timeout_s,
        )
        try:
            await client.connect()
        except (aiosmtplib.SMTPException, OSError) as error:
            raise _refusal(error) from None
        return client

    async def _discard(self, client: aiosmtplib.SMTP) -> None:
        with contextlib.suppress(Exception):
            client.close()

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for client in idle:
            with contextlib.suppress(Exception):
                await client.quit()


def _refusal(error: BaseException) -> Transient | Permanent:
    """An SMTP failure as the dispatcher reads it; the server's text is left out (it may
    quote the address)."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        codes = [refused.code for refused in error.recipients]
        code = max(codes) if codes else 0
        return _by_code("recipient_refused", code)
    if isinstance(error, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError):
        what = "recipient_refused" if isinstance(error, aiosmtplib.SMTPRecipientRefused) else "data"
        return _by_code(what, error.code)
    if isinstance(error, aiosmtplib.SMTPAuthenticationError):
        return Transient(f"smtp_login_refused: {error.code}")
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return Transient(f"smtp_answer: {error.code}")
    if isinstance(error, aiosmtplib.SMTPTimeoutError | TimeoutError):
        return Transient("smtp_timeout")
    return Transient(f"smtp_unreachable: {type(error).__name__}")


def _by_code(what: str, code: int) -> Transient | Permanent:
    if 500 <= code < 600:
        return Permanent(f"smtp_{what}: {code}")
    return Transient(f"smtp_{what}: {code}")
