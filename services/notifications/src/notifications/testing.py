"""Servers for tests of what notifications sends, real ones on 127.0.0.1: an SMTP server
(aiosmtpd) and an HTTP gateway in the Fonnte, Wablas and Cloud API shapes, each keeping what
it took in memory and answering as it is told — a refused recipient, a gateway down.

    async with SmtpCatcher() as smtp, GatewayRecorder() as gateway:
        gateway.fail(500)        # every call answers 500 until gateway.recover()
        gateway.refuse("628…")   # that number is refused for good
        smtp.refuse("a@b.id")    # 550 for that recipient
"""

import contextlib
import time
import uuid
from collections import Counter
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from notifications.channels.whatsapp import digits
from notifications.local_servers import (
    CaughtMail,
    FailNow,
    GatewayCall,
    MailCatcher,
    RefuseNumber,
    Take,
    Verdict,
    gateway_app,
    http_server,
    smtp_server,
)


class _Server:
    """A server that runs from `async with` to the end of the block."""

    def __init__(self) -> None:
        self._stack = contextlib.AsyncExitStack()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self._stack.aclose()


class SmtpCatcher(_Server):
    """An SMTP server that keeps every accepted email in `mails`."""

    def __init__(self, *, login: tuple[str, str] | None = None) -> None:
        super().__init__()
        self.mails: list[CaughtMail] = []
        self._login = login
        self._replies: dict[str, str] = {}
        self.port = 0

    def refuse(self, address: str, reply: str = "550 5.1.1 Mailbox unavailable") -> None:
        self._replies[address.lower()] = reply

    def defer(self, address: str, reply: str = "451 4.3.0 Try again later") -> None:
        self._replies[address.lower()] = reply

    def accept(self, address: str) -> None:
        self._replies.pop(address.lower(), None)

    @property
    def url(self) -> str:
        if self._login is None:
            return f"smtp://127.0.0.1:{self.port}"
        user, password = (quote(part, safe="") for part in self._login)
        return f"smtp://{user}:{password}@127.0.0.1:{self.port}"

    def to(self, address: str) -> list[CaughtMail]:
        return [mail for mail in self.mails if address in mail.recipients]

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        expected = self._login
        given = (
            (data.login.decode(), data.password.decode())
            if isinstance(data, LoginPassword)
            else None
        )
        # handled=False: aiosmtpd answers 535 itself when the login is refused.
        return AuthResult(success=expected is not None and given == expected, handled=False)

    async def _keep(self, mail: CaughtMail) -> None:
        self.mails.append(mail)

    async def __aenter__(self) -> Self:
        handler = MailCatcher(self._keep, lambda address: self._replies.get(address.lower()))
        authenticator = self._authenticate if self._login is not None else None
        self.port = await self._stack.enter_async_context(
            smtp_server(handler, authenticator=authenticator)
        )
        return self


class GatewayRecorder(_Server):
    """A WhatsApp/SMS gateway keeping every message it took in `calls` (with the moment in
    `taken_at`, monotonic seconds); `asked` counts every request, failed ones included. Its
    message ids are unique across recorders, so status webhooks of one test never reach
    another's messages."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[GatewayCall] = []
        self.ids: list[str] = []  # the id given to each call taken
        self.taken_at: list[float] = []
        self.asked = 0
        self._refused: set[str] = set()
        self._failure: FailNow | None = None
        self.url = ""

    def refuse(self, number: str) -> None:
        self._refused.add(digits(number))

    def fail(self, status: int = 500, retry_after_s: float | None = None) -> None:
        """Every request fails so until `recover()`."""
        self._failure = FailNow(status, retry_after_s)

    def recover(self) -> None:
        self._failure = None

    def taken(self) -> Counter[str]:
        """How many messages each number got."""
        return Counter(call.target for call in self.calls)

    async def _decide(self, call: GatewayCall) -> Verdict:
        self.asked += 1
        if self._failure is not None:
            return self._failure
        if call.target in self._refused:
            return RefuseNumber()
        self.calls.append(call)
        self.ids.append(uuid.uuid4().hex)
        self.taken_at.append(time.monotonic())
        return Take(self.ids[-1])

    async def __aenter__(self) -> Self:
        self.url = await self._stack.enter_async_context(http_server(gateway_app(self._decide)))
        return self
