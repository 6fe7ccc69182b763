"""Signed unsubscribe links: one person, one channel, no sign-in needed to use them."""

import base64
import hashlib
import hmac
from uuid import UUID

from kombel_events.notifications import Channel


def _mac(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, payload, hashlib.sha256).digest()[:16]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unsubscribe_token(secret: bytes, person_id: UUID, channel: Channel) -> str:
    payload = person_id.bytes + channel.value.encode()
    return _b64(payload + _mac(secret, payload))


def read_unsubscribe_token(secret: bytes, token: str) -> tuple[UUID, Channel] | None:
    """The person and channel a token names, or None if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        return None
    if len(raw) < 16 + 16 + 1:
        return None
    payload, mac = raw[:-16], raw[-16:]
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        return None
    try:
        return UUID(bytes=payload[:16]), Channel(payload[16:].decode())
    except ValueError:
        return None
