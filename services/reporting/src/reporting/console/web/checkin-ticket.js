// Tickets read and verified in the browser, with no signal: the layout of activities'
// `domain/tickets.py`, checked with the public keys of `GET /activities/checkin/keys`.
//
//   version (1) | key id (4) | registration id (16) | session id (16) | Ed25519 signature (64)
//
// in base32 (RFC 4648, upper case, no padding): 162 characters. The signature covers the 37
// bytes before it. WebCrypto verifies Ed25519 in current browsers; a browser without it still
// queues the scan, and the server verifies every ticket of a batch anyway.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const VERSION = 1;
const SIGNED_BYTES = 37;
const TICKET_BYTES = 101;
const TICKET_CHARACTERS = 162;

function base32Bytes(text) {
  const bytes = new Uint8Array(TICKET_BYTES);
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (const character of text) {
    const value = ALPHABET.indexOf(character);
    if (value < 0) return null;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      if (at < TICKET_BYTES) bytes[at] = (buffer >> bits) & 0xff;
      at += 1;
    }
    buffer &= (1 << bits) - 1;
  }
  // 162 characters are 810 bits: the 2 left over must be zero, as the server requires.
  return at === TICKET_BYTES && buffer === 0 ? bytes : null;
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function uuid(bytes) {
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The ticket's parts, or null when the text is not a ticket of this layout. */
export function readTicket(text) {
  const cleaned = String(text).replace(/\s+/g, "").toUpperCase();
  if (cleaned.length !== TICKET_CHARACTERS) return null;
  const raw = base32Bytes(cleaned);
  if (raw === null || raw[0] !== VERSION) return null;
  return {
    text: cleaned,
    kid: hex(raw.subarray(1, 5)),
    registrationId: uuid(raw.subarray(5, 21)),
    sessionId: uuid(raw.subarray(21, 37)),
    signed: raw.slice(0, SIGNED_BYTES),
    signature: raw.slice(SIGNED_BYTES),
  };
}

function base64urlBytes(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

const imported = new Map();

async function publicKey(key) {
  let found = imported.get(key.kid);
  if (found === undefined) {
    found = crypto.subtle.importKey("raw", base64urlBytes(key.public_key), { name: "Ed25519" }, false, [
      "verify",
    ]);
    imported.set(key.kid, found);
  }
  return found;
}

/**
 * What the device can tell of a scanned text for a session: `valid`, `invalid` (not a ticket,
 * or a forged one), `wrong_session`, or `unchecked` (signed by a key this device does not
 * hold, or a browser without Ed25519: the server decides).
 */
export async function checkTicket(text, sessionId, keys) {
  const ticket = readTicket(text);
  if (ticket === null) return { status: "invalid", ticket: null };
  const key = keys.find((k) => k.kid === ticket.kid);
  let status = "unchecked";
  if (key !== undefined && globalThis.crypto?.subtle) {
    try {
      const verified = await crypto.subtle.verify(
        { name: "Ed25519" },
        await publicKey(key),
        ticket.signature,
        ticket.signed,
      );
      status = verified ? "valid" : "invalid";
    } catch {
      imported.delete(key.kid);
      status = "unchecked";
    }
  }
  if (status !== "invalid" && ticket.sessionId !== sessionId) status = "wrong_session";
  return { status, ticket: status === "invalid" ? null : ticket };
}
