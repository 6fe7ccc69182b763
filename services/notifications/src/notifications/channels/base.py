"""What every channel adapter is: one outgoing message in, the provider's answer out.

The dispatcher (`notifications.dispatch`) renders a message, takes a token from the channel's
rate limit, and calls `send`. An adapter raises `Transient` for what may work later (a
timeout, a 5xx, a 429: retried with backoff and jitter) and `Permanent` for what never will
(a refused number or address: no retry; WhatsApp falls over to SMS or email). Neither carries
personal data in its message.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from kombel_events.notifications import Channel
from sqlalchemy.ext.asyncio import AsyncSession

# Redis pub/sub channel on which a person's new inbox messages are announced (live stream).
INBOX_STREAM = "kombel:notifications:inbox:{person_id}"


@dataclass(frozen=True)
class Outgoing:
    message_id: str  # also the Message-ID / the gateway's reference
    channel: Channel
    address: str  # email address or E.164 phone number
    subject: str | None  # email only
    text: str
    html: str | None = None  # email only
    # One-click unsubscribe (RFC 8058) for email; a link in the text for the others.
    unsubscribe_url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # Inline images of an HTML email, by Content-ID (e.g. the ticket's QR as PNG).
    images: Mapping[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    """A message as its recipient reads it, in their language and zone."""

    subject: str | None
    text: str
    html: str | None = None
    images: Mapping[str, bytes] = field(default_factory=dict)


class Renderer(Protocol):
    """Renders one `messages` row from the replicas, at sending time (a moved session shows
    its new time); None when what it is about is gone (the message is then dropped)."""

    async def __call__(
        self, session: AsyncSession, message: Mapping[str, Any]
    ) -> Rendered | None: ...


@dataclass(frozen=True)
class Accepted:
    """The provider took the message; its id ties later status webhooks to it."""

    provider: str
    provider_message_id: str | None


class Transient(Exception):
    """Worth trying again later."""

    def __init__(self, reason: str, retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s


class Permanent(Exception):
    """Never worth trying again on this channel (an invalid or unregistered address)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Sender(Protocol):
    channel: Channel
    provider: str

    async def send(self, message: Outgoing) -> Accepted: ...

    async def close(self) -> None: ...
