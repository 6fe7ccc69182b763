"""A ticket's layout and signature, with no database: what a scanner relies on."""

import base64
import uuid

import pytest
from activities.domain.tickets import (
    TICKET_BYTES,
    TicketInvalid,
    key_id,
    read_ticket,
    sign_ticket,
    ticket_svg,
)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KEY = Ed25519PrivateKey.generate()
KID = key_id(KEY.public_key().public_bytes_raw())
REGISTRATION, SESSION = uuid.uuid4(), uuid.uuid4()


def test_a_ticket_carries_its_seat_and_session_under_a_signature() -> None:
    ticket = sign_ticket(KEY, KID, REGISTRATION, SESSION)
    assert len(ticket) == 162
    assert set(ticket) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")  # QR alphanumeric mode
    read = read_ticket(ticket).verified_by(KEY.public_key())
    assert (read.kid, read.registration_id, read.session_id) == (KID, REGISTRATION, SESSION)
    # Deterministic, and read the same in any case or wrapped over lines.
    assert sign_ticket(KEY, KID, REGISTRATION, SESSION) == ticket
    spaced = f"{ticket[:80].lower()}\n{ticket[80:]}"
    assert read_ticket(spaced).verified_by(KEY.public_key()) == read


@pytest.mark.parametrize("position", [0, 1, 4, 5, 20, 21, 36, 37, 100])
def test_any_changed_byte_is_refused(position: int) -> None:
    raw = bytearray(base64.b32decode(sign_ticket(KEY, KID, REGISTRATION, SESSION) + "======"))
    assert len(raw) == TICKET_BYTES
    raw[position] ^= 0x80
    forged = base64.b32encode(bytes(raw)).decode()
    with pytest.raises(TicketInvalid):
        read_ticket(forged).verified_by(KEY.public_key())


@pytest.mark.parametrize("text", ["", "1234", "é" * 10, "A" * 400, "A" * 162])
def test_what_is_not_a_ticket_is_refused_alike(text: str) -> None:
    with pytest.raises(TicketInvalid) as refused:
        read_ticket(text).verified_by(KEY.public_key())
    assert refused.value.code == "ticket_invalid"


def test_another_key_does_not_verify() -> None:
    ticket = read_ticket(sign_ticket(KEY, KID, REGISTRATION, SESSION))
    with pytest.raises(TicketInvalid):
        ticket.verified_by(Ed25519PrivateKey.generate().public_key())


def test_the_picture_names_the_training_and_session_and_escapes_them() -> None:
    svg = ticket_svg(
        sign_ticket(KEY, KID, REGISTRATION, SESSION), "Bimtek <Literasi> & Numerasi", "S01"
    )
    text = svg.decode()
    assert text.startswith("<svg")
    assert text.endswith("</svg>")
    assert "Bimtek &lt;Literasi&gt; &amp; Numerasi" in text
    assert "Sesi S01" in text
