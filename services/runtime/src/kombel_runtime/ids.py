"""Time-ordered ids (UUIDv7, RFC 9562): index-friendly keys that sort by creation time.

The random bits come from the operating system's CSPRNG, drawn a few kilobytes at a time:
`os.urandom` per id would make a system call that lets go of the GIL for every row of a bulk
import, and another busy thread then holds the interpreter for a whole switch interval.
"""

import os
import time
import uuid
from collections.abc import Iterator

_VERSION_AND_VARIANT = (0x7 << 76) | (0x2 << 62)
_RANDOM_A = (1 << 12) - 1
_RANDOM_B = (1 << 62) - 1
_RANDOM_BYTES = 10
_POOL_IDS = 512


class _RandomPool:
    """80-bit random numbers from one `os.urandom` call per 512; forgotten in a forked child,
    which must not repeat its parent's numbers. Taking from a list iterator is atomic, so two
    threads never get the same number (at worst both refill)."""

    def __init__(self) -> None:
        self._numbers: Iterator[int] = iter(())
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._numbers = iter(())

    def _refill(self) -> Iterator[int]:
        pool = os.urandom(_RANDOM_BYTES * _POOL_IDS)
        return iter(
            [
                int.from_bytes(pool[i : i + _RANDOM_BYTES], "big")
                for i in range(0, len(pool), _RANDOM_BYTES)
            ]
        )

    def next(self) -> int:
        number = next(self._numbers, None)
        if number is None:
            self._numbers = numbers = self._refill()
            number = next(numbers)
        return number


_pool = _RandomPool()


def uuid7() -> uuid.UUID:
    """48 bits of Unix milliseconds, then 74 random bits."""
    randomness = _pool.next()
    value = (
        (time.time_ns() // 1_000_000) << 80
        | _VERSION_AND_VARIANT
        | ((randomness >> 62) & _RANDOM_A) << 64
        | (randomness & _RANDOM_B)
    )
    return uuid.UUID(int=value)
