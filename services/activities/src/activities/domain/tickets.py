"""Tickets: a seat's QR code, signed so that a scanner with no signal can tell a real one.

A ticket is 101 bytes, written in base32:

    version (1) | key id (4) | registration id (16) | session id (16) | Ed25519 signature (64)

The signature covers the 37 bytes before it. The key id is the first four bytes of the SHA-256
of the signing key's public key, so a scanner holding the published keys
(`GET /activities/checkin/keys`) picks the right one, and a key rotated out still verifies the
tickets it signed. The session id is inside the signed part so that a scanner set to one
session refuses another session's ticket without asking the server. Nothing about the person is
in it: a lost ticket names no one.

As in pretix's signed tickets, the QR code carries the whole proof, not a lookup key; unlike
pretix there is no protobuf, because every field here has a fixed length and a version byte is
enough to change the layout later.

Base32 (RFC 4648, upper case, no padding) rather than base64url: its alphabet is inside the QR
code's alphanumeric mode (5.5 bits a character against 8 in byte mode), so the 162 characters
make a version 7 code at error level M, where base64url's 135 make a version 8: fewer, larger
modules on a phone screen in a dim hall. It is also read the same in any case, so a scanner
that lowers its input changes nothing. Ed25519 signatures are deterministic: the same seat
gets the same ticket every time it is drawn.
"""

import base64
import hashlib
import re
import struct
import textwrap
from dataclasses import dataclass
from uuid import UUID
from xml.sax.saxutils import escape

import segno
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from kombel_runtime.errors import Invalid

TICKET_VERSION = 1
_SIGNED = struct.Struct(">B4s16s16s")
SIGNATURE_BYTES = 64
TICKET_BYTES = _SIGNED.size + SIGNATURE_BYTES
TICKET_CHARACTERS = -(-TICKET_BYTES * 8 // 5)  # 162
_PAD_BITS = TICKET_CHARACTERS * 5 - TICKET_BYTES * 8
_PAD_MASK = (1 << _PAD_BITS) - 1
_TICKET_TEXT = re.compile(f"[A-Z2-7]{{{TICKET_CHARACTERS}}}")
_TO_INT_DIGITS = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHIJKLMNOPQRSTUV"
)

# What `GET /activities/checkin/keys` tells a scanner's developer.
TICKET_FORMAT = {
    "encoding": "base32 (RFC 4648, huruf besar, tanpa '=')",
    "bytes": TICKET_BYTES,
    "layout": [
        {"field": "version", "bytes": 1, "value": TICKET_VERSION},
        {"field": "kid", "bytes": 4, "note": "4 byte pertama SHA-256 kunci publik, heksadesimal"},
        {"field": "registration_id", "bytes": 16, "note": "UUID"},
        {"field": "session_id", "bytes": 16, "note": "UUID; tolak tiket sesi lain"},
        {"field": "signature", "bytes": SIGNATURE_BYTES, "note": "Ed25519 atas 37 byte pertama"},
    ],
}


class TicketInvalid(Invalid):
    """Malformed, forged, signed by a key no one published, or naming no registration: a
    scanner learns nothing more from one than from another."""

    def __init__(self) -> None:
        super().__init__(
            "ticket_invalid",
            "Tiket tidak sah atau tidak dikenal. Minta peserta membuka tiket terbarunya.",
        )


@dataclass(frozen=True)
class Ticket:
    kid: str
    registration_id: UUID
    session_id: UUID


@dataclass(frozen=True)
class SignedTicket:
    """A ticket read from its text, not yet verified."""

    ticket: Ticket
    signed: bytes
    signature: bytes

    def verified_by(self, public_key: Ed25519PublicKey) -> Ticket:
        try:
            public_key.verify(self.signature, self.signed)
        except InvalidSignature:
            raise TicketInvalid from None
        return self.ticket


def key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).digest()[:4].hex()


def sign_ticket(
    private_key: Ed25519PrivateKey, kid: str, registration_id: UUID, session_id: UUID
) -> str:
    signed = _SIGNED.pack(
        TICKET_VERSION, bytes.fromhex(kid), registration_id.bytes, session_id.bytes
    )
    raw = signed + private_key.sign(signed)
    return base64.b32encode(raw).decode("ascii").rstrip("=")


def read_ticket(text: str) -> SignedTicket:
    """The ticket's parts; `TicketInvalid` if it is not a ticket of this layout."""
    cleaned = "".join(text.split()).upper()
    if not _TICKET_TEXT.fullmatch(cleaned):
        raise TicketInvalid
    # Python's own base-32 integers read the RFC alphabet once mapped onto theirs: one C call
    # where `base64.b32decode` loops in Python, which shows in a batch of thousands.
    bits = int(cleaned.translate(_TO_INT_DIGITS), 32)
    if bits & _PAD_MASK:
        raise TicketInvalid
    raw = (bits >> _PAD_BITS).to_bytes(TICKET_BYTES, "big")
    if raw[0] != TICKET_VERSION:
        raise TicketInvalid
    signed, signature = raw[: _SIGNED.size], raw[_SIGNED.size :]
    _, kid, registration, session = _SIGNED.unpack(signed)
    return SignedTicket(
        Ticket(kid.hex(), UUID(bytes=registration), UUID(bytes=session)), signed, signature
    )


_CAPTION_LINE = 18
_CAPTION_WIDTH = 40


def ticket_svg(ticket: str, training_title: str, session_code: str) -> bytes:
    """The ticket's QR code with the training and session under it, and no name: a picture
    shown around a hall should not say whose it is."""
    qr = segno.make(ticket, error="m", boost_error=False)
    width, height = qr.symbol_size(scale=6, border=4)
    lines = textwrap.wrap(training_title, _CAPTION_WIDTH, max_lines=2, placeholder=" …")
    lines.append(f"Sesi {session_code}")
    total = height + _CAPTION_LINE * len(lines) + 8
    caption = "".join(
        f'<text x="{width / 2}" y="{height + _CAPTION_LINE * (i + 1) - 4}">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total}" '
        f'viewBox="0 0 {width} {total}"><rect width="100%" height="100%" fill="#fff"/>'
        f"{qr.svg_inline(scale=6, border=4)}"
        f'<g font-family="sans-serif" font-size="13" text-anchor="middle" fill="#000">'
        f"{caption}</g></svg>"
    ).encode()
