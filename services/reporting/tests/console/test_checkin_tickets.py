"""The check-in page reads and verifies tickets in the browser exactly as activities signs them:
the same fields out of the same 101 bytes, a forged or altered ticket refused, another session's
ticket told apart, and a ticket of a key the device has not kept left for the server to judge."""

import base64
import uuid
from typing import Any

import pytest
from activities.domain.tickets import key_id, sign_ticket
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from playwright.async_api import Page
from reporting.console.testing import ConsoleBrowser

pytestmark = pytest.mark.infra


def published(private: Ed25519PrivateKey) -> dict[str, str]:
    """A key as `GET /activities/checkin/keys` lists it."""
    raw = private.public_key().public_bytes_raw()
    return {"kid": key_id(raw), "public_key": base64.urlsafe_b64encode(raw).decode().rstrip("=")}


async def checked(page: Page, text: str, session_id: uuid.UUID, keys: list[Any]) -> Any:
    return await page.evaluate(
        """async ([text, sessionId, keys]) => {
            const { checkTicket } = await import('/console/checkin-ticket.js');
            const { status, ticket } = await checkTicket(text, sessionId, keys);
            return { status, registration: ticket?.registrationId, session: ticket?.sessionId,
                     kid: ticket?.kid };
        }""",
        [text, str(session_id), keys],
    )


async def test_tickets_are_read_and_verified_on_the_device(console: ConsoleBrowser) -> None:
    page = await console.new_page()
    await page.goto(console.url("/checkin"))
    signer = Ed25519PrivateKey.generate()
    key = published(signer)
    registration, session = uuid.uuid4(), uuid.uuid4()
    ticket = sign_ticket(signer, key["kid"], registration, session)

    assert await checked(page, ticket, session, [key]) == {
        "status": "valid",
        "registration": str(registration),
        "session": str(session),
        "kid": key["kid"],
    }
    # A scanner gun that types in lower case, or breaks the line, changes nothing.
    spaced = ticket[:80].lower() + "\n" + ticket[80:]
    assert (await checked(page, spaced, session, [key]))["status"] == "valid"
    assert (await checked(page, ticket, uuid.uuid4(), [key]))["status"] == "wrong_session"

    raw = bytearray(base64.b32decode(ticket + "=" * (-len(ticket) % 8)))
    for at in (10, 30, 60, 100):  # registration, session, signature, its last byte
        altered = bytearray(raw)
        altered[at] ^= 0x01
        text = base64.b32encode(bytes(altered)).decode().rstrip("=")
        assert (await checked(page, text, session, [key]))["status"] == "invalid", at
    forged = sign_ticket(Ed25519PrivateKey.generate(), key["kid"], registration, session)
    assert (await checked(page, forged, session, [key]))["status"] == "invalid"
    # The two bits after the 101 bytes must be zero, as the server requires.
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".index(ticket[-1])
    padded = ticket[:-1] + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[last | 1]
    assert (await checked(page, padded, session, [key]))["status"] == "invalid"
    for text in ("", "BUKAN-TIKET", ticket[:-1], ticket + "A"):
        assert (await checked(page, text, session, [key]))["status"] == "invalid"

    # A key rotated after the device kept its keys: the server verifies it.
    other = published(Ed25519PrivateKey.generate())
    assert (await checked(page, ticket, session, [other]))["status"] == "unchecked"
