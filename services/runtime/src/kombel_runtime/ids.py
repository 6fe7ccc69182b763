"""Time-ordered ids (UUIDv7, RFC 9562): index-friendly keys that sort by creation time."""

import os
import time
import uuid

_VERSION_AND_VARIANT = (0x7 << 76) | (0x2 << 62)
_RANDOM_A = (1 << 12) - 1
_RANDOM_B = (1 << 62) - 1


def uuid7() -> uuid.UUID:
    """48 bits of Unix milliseconds, then 74 random bits."""
    randomness = int.from_bytes(os.urandom(10), "big")
    value = (
        (time.time_ns() // 1_000_000) << 80
        | _VERSION_AND_VARIANT
        | ((randomness >> 62) & _RANDOM_A) << 64
        | (randomness & _RANDOM_B)
    )
    return uuid.UUID(int=value)
