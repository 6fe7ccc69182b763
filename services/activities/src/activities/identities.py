"""Keyed digests of a person's identifiers (NUPTK, email, phone).

Activities keeps no contact data, yet a roster row must find its person: the people replica
keeps, for each person, the digests of their normalised identifiers, and a row's identifiers
are digested the same way. A digest is BLAKE2b keyed with `KOMBEL_IDENTITY_DIGEST_KEY`, so
the table cannot be reversed by trying every phone number without the key.
"""

from hashlib import blake2b

FIELDS = ("nuptk", "email", "phone")


def identity_digests(key: bytes, values: dict[str, str | None]) -> list[bytes]:
    """The digests of the normalised identifiers present in `values`, in `FIELDS` order."""
    return [
        blake2b(f"{name}:{value}".encode(), key=key, digest_size=16).digest()
        for name in FIELDS
        if (value := values.get(name))
    ]
