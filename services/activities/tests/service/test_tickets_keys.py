"""The keys that sign tickets: made once however many replicas start at once, or taken from
the settings; kept per process, and every stored key still verifies."""

import asyncio
import base64
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from activities.app import ActivitiesSettings
from activities.db.tables import signing_keys
from activities.domain.tickets import TicketInvalid, key_id, sign_ticket
from activities.services import signing_keys as keys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import SecretStr, ValidationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

pytestmark = pytest.mark.infra

NOT_CONFIGURED: Any = SimpleNamespace(checkin_signing_key=None)


async def test_replicas_starting_at_once_make_one_key(
    session: AsyncSession, service_sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with session.begin():
        await session.execute(delete(signing_keys))
    keys._keyrings.clear()

    async def start() -> str:
        async with service_sessions() as own:
            return (await keys.keyring(own, NOT_CONFIGURED)).signer_kid

    kids = await asyncio.gather(*(start() for _ in range(6)))
    async with session.begin():
        stored = await session.scalar(select(func.count()).select_from(signing_keys))
    assert (len(set(kids)), stored) == (1, 1)

    # A key retired by a rotation still verifies what it signed; the new one signs.
    ticket = (await keys.keyring(session, NOT_CONFIGURED)).sign(uuid.uuid4(), uuid.uuid4())
    async with session.begin():
        await session.execute(update(signing_keys).values(retired_at=func.now()))
    keys._keyrings.clear()
    rotated = await keys.keyring(session, NOT_CONFIGURED)
    assert rotated.signer_kid != kids[0]
    assert (await keys.verified(session, NOT_CONFIGURED, ticket)).kid == kids[0]


async def test_a_configured_key_signs(session: AsyncSession) -> None:
    private = Ed25519PrivateKey.generate()
    seed = base64.urlsafe_b64encode(private.private_bytes_raw()).decode().rstrip("=")
    settings: Any = SimpleNamespace(checkin_signing_key=SecretStr(seed))
    ring = await keys.keyring(session, settings)
    assert ring.signer_kid == key_id(private.public_key().public_bytes_raw())
    ticket = ring.sign(uuid.uuid4(), uuid.uuid4())
    assert (await keys.verified(session, settings, ticket)).kid == ring.signer_kid
    stranger = Ed25519PrivateKey.generate()
    foreign = sign_ticket(
        stranger, key_id(stranger.public_key().public_bytes_raw()), uuid.uuid4(), uuid.uuid4()
    )
    with pytest.raises(TicketInvalid):  # a key no one published
        await keys.verified(session, settings, foreign)

    with pytest.raises(ValidationError, match="checkin_signing_key"):  # the service won't start
        ActivitiesSettings(checkin_signing_key=SecretStr("bukan-kunci"))
