"""The keys that sign and verify tickets, kept once per process.

The signing key is the configured one (`checkin_signing_key`, a base64url Ed25519 seed) when
set, else the newest unretired key of `signing_keys`, which the first replica to need one
makes. Making it takes a lock on that small table for one short transaction of its own, so two
replicas starting at once end with one key, and a request that later rolls back cannot take
with it a key that tickets were already signed with. Every key, retired or not, verifies: a
ticket printed before a rotation still scans.

A ticket signed by a key this process has not seen (another replica rotated) reloads the keys,
at most once every few seconds, before it is refused.
"""

import base64
import binascii
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from activities.db.tables import signing_keys
from activities.domain.tickets import (
    SignedTicket,
    Ticket,
    TicketInvalid,
    key_id,
    read_ticket,
    sign_ticket,
)

if TYPE_CHECKING:
    from kombel_runtime.settings import ServiceSettings
    from pydantic import SecretStr

ALGORITHM = "Ed25519"
# How often an unknown key id may send this process back to the database for new keys.
RELOAD_AFTER_S = 5.0
REMEMBERED_TICKETS = 20_000


@dataclass(frozen=True)
class TicketKey:
    kid: str
    public_key: Ed25519PublicKey
    created_at: datetime | None
    retired_at: datetime | None = None

    @property
    def public_raw(self) -> bytes:
        return self.public_key.public_bytes_raw()


@dataclass(frozen=True)
class Keyring:
    """The key that signs and every key that verifies."""

    signer: Ed25519PrivateKey
    signer_kid: str
    keys: Mapping[str, TicketKey]
    loaded_at: float

    def sign(self, registration_id: UUID, session_id: UUID) -> str:
        return sign_ticket(self.signer, self.signer_kid, registration_id, session_id)

    # Tickets this keyring has verified: offline devices send their batches again until they
    # hear back, and a signature check is most of what a scan costs.
    verified: dict[bytes, Ticket] = field(default_factory=dict, compare=False, repr=False)

    def verify(self, signed: SignedTicket) -> Ticket:
        seen = self.verified.get(signed.signature)
        if seen is not None and seen == signed.ticket:
            return seen
        key = self.keys.get(signed.ticket.kid)
        if key is None:
            raise TicketInvalid
        ticket = signed.verified_by(key.public_key)
        if len(self.verified) >= REMEMBERED_TICKETS:
            self.verified.clear()
        self.verified[signed.signature] = ticket
        return ticket


def _kid_of(private: Ed25519PrivateKey) -> str:
    return key_id(private.public_key().public_bytes_raw())


def seed_of(value: str) -> bytes:
    """The 32-byte Ed25519 seed that a configured `checkin_signing_key` (base64url) names."""
    value = value.strip()
    try:
        seed = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        seed = b""
    if len(seed) != 32:
        raise ValueError("checkin_signing_key must be a 32-byte Ed25519 seed in base64url")
    return seed


# The service's configured key, set when its settings are made (`ActivitiesSettings`): seats
# sign the tickets of their events without being handed the settings.
_configured: list["SecretStr | None"] = [None]


def use_signing_key(secret: "SecretStr | None") -> None:
    _configured[0] = secret


def configured_key(settings: "ServiceSettings | None" = None) -> Ed25519PrivateKey | None:
    """The configured signing key (the settings refuse, at start, one that is not a seed):
    these settings', or else the service's."""
    if settings is not None:
        secret = getattr(settings, "checkin_signing_key", None)
    else:
        secret = _configured[0]
    if secret is None:
        return None
    return Ed25519PrivateKey.from_private_bytes(seed_of(secret.get_secret_value()))


def new_seed() -> str:
    """A fresh seed for `checkin_signing_key` (e.g. `python -c` at deployment)."""
    seed = Ed25519PrivateKey.generate().private_bytes_raw()
    return base64.urlsafe_b64encode(seed).decode().rstrip("=")


async def _stored(session: AsyncSession) -> list[dict[str, Any]]:
    """Read through the caller's connection: a cold process under a burst of requests, each
    holding a connection, must not wait on the pool for one more to read its keys."""
    rows = await session.execute(select(signing_keys).order_by(signing_keys.c.created_at))
    return [dict(row) for row in rows.mappings()]


async def _made_once(engine: AsyncEngine) -> list[dict[str, Any]]:
    """The stored keys, after making one if none is in service; replicas take turns."""
    async with AsyncSession(engine) as session, session.begin():
        # SHARE ROW EXCLUSIVE conflicts with itself and lets readers through.
        await session.execute(text("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE"))
        in_service = await session.scalar(
            select(signing_keys.c.kid).where(signing_keys.c.retired_at.is_(None)).limit(1)
        )
        if in_service is None:
            private = Ed25519PrivateKey.generate()
            await session.execute(
                signing_keys.insert().values(
                    kid=_kid_of(private),
                    private_key=private.private_bytes_raw(),
                    public_key=private.public_key().public_bytes_raw(),
                )
            )
        rows = await session.execute(select(signing_keys).order_by(signing_keys.c.created_at))
        return [dict(row) for row in rows.mappings()]


async def _load(session: AsyncSession, configured: Ed25519PrivateKey | None) -> Keyring:
    rows = await _stored(session)
    if configured is None and not any(r["retired_at"] is None for r in rows):
        # Once in the database's life: made in a transaction of its own.
        rows = await _made_once(_engine_of(session))
    keys = {
        r["kid"]: TicketKey(
            r["kid"],
            Ed25519PublicKey.from_public_bytes(r["public_key"]),
            r["created_at"],
            r["retired_at"],
        )
        for r in rows
    }
    if configured is not None:
        signer = configured
        kid = _kid_of(configured)
        keys.setdefault(kid, TicketKey(kid, configured.public_key(), None))
    else:
        newest = [r for r in rows if r["retired_at"] is None][-1]
        signer = Ed25519PrivateKey.from_private_bytes(newest["private_key"])
        kid = newest["kid"]
    return Keyring(signer, kid, keys, time.monotonic())


# Two first uses at once both load; the table lock makes them agree on the key.
_keyrings: dict[str, Keyring] = {}


def _engine_of(session: AsyncSession) -> AsyncEngine:
    bind = session.bind
    if isinstance(bind, AsyncEngine):
        return bind
    if bind is not None:
        return bind.engine
    raise RuntimeError("the session is bound to no engine")


async def keyring(
    session: AsyncSession, settings: "ServiceSettings | None" = None, *, reload: bool = False
) -> Keyring:
    """This process's keyring for the session's database, loaded (or made) on first use.

    Keys are read in the caller's transaction, and made (once) in one of their own."""
    engine = _engine_of(session)
    configured = configured_key(settings)
    cache_key = engine.url.render_as_string() + ("" if configured is None else _kid_of(configured))
    found = _keyrings.get(cache_key)
    if found is not None and not (reload and time.monotonic() - found.loaded_at > RELOAD_AFTER_S):
        return found
    loaded = _keyrings[cache_key] = await _load(session, configured)
    return loaded


async def verified(
    session: AsyncSession, settings: "ServiceSettings | None", ticket: str
) -> Ticket:
    """The ticket, if a key of ours signed it; `TicketInvalid` otherwise."""
    signed = read_ticket(ticket)
    keys = await keyring(session, settings)
    if signed.ticket.kid not in keys.keys:
        keys = await keyring(session, settings, reload=True)
    return keys.verify(signed)


def ticket_for(keys: Keyring, registration: Mapping[Any, Any]) -> str | None:
    """The ticket of a registration row (`id`, `session_id`, `status`): a seat's, and a
    waitlisted one's too (check-in refuses it until promoted); none once cancelled."""
    if registration["status"] == "cancelled":
        return None
    return keys.sign(registration["id"], registration["session_id"])


async def ticket_of(
    session: AsyncSession, settings: "ServiceSettings", registration: Mapping[Any, Any]
) -> str | None:
    """`ticket_for` for one registration read model: `ticket_of(session, runtime.settings, row)`."""
    return ticket_for(await keyring(session, settings), registration)
