"""Exponential backoff with full jitter, for retries that must not stampede."""

import asyncio
import contextlib
import random


def backoff_delay(attempt: int, base_s: float, cap_s: float = 10.0) -> float:
    """The pause before retry number `attempt` (1 for the first retry)."""
    return random.uniform(0, min(cap_s, base_s * 2 ** (attempt - 1)))


async def sleep_unless_stopped(stopping: asyncio.Event, seconds: float) -> None:
    """Sleep, but wake at once when the service is stopping."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
