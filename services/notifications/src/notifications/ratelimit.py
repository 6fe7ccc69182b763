"""The providers' pace: one token bucket per channel in Redis, shared by every dispatcher of
every replica, so 4,324 confirmations leave at the rate the gateway allows, not at once.

The bucket is the platform's GCRA script (`kombel_runtime.ratelimit`: one atomic Lua call,
on Redis's clock), which is a token bucket by another name: `rate` tokens a second, up to
`burst` saved. The burst is one second's worth, so a quiet bucket lets a handful go at once
and a full queue drains evenly. `acquire` waits for a token, but only so long: a dispatcher
holding claimed messages gives them back rather than sitting on them.

When Redis cannot be reached the limiter lets sends through (and warns), as the HTTP edge's
limits do: a gateway's own limit answers 429, which the dispatcher retries.
"""

import asyncio
import time
from collections.abc import Mapping

import redis.asyncio as redis
from kombel_events.notifications import Channel
from kombel_runtime.ratelimit import RateLimiter


class ChannelPace:
    def __init__(
        self,
        client: "redis.Redis",
        per_minute: Mapping[Channel, int],
        *,
        namespace: str = "notifications",
    ) -> None:
        self._limiter = RateLimiter(client, namespace=namespace)
        self._per_minute = dict(per_minute)

    def per_second(self, channel: Channel) -> float | None:
        """The channel's pace, or None when it has none (the inbox)."""
        bucket = self._bucket(channel)
        return bucket[0] if bucket is not None else None

    def _bucket(self, channel: Channel) -> tuple[float, int] | None:
        per_minute = self._per_minute.get(channel)
        if per_minute is None:
            return None  # no limit (the inbox)
        return per_minute / 60.0, max(1, per_minute // 60)

    async def acquire(self, channel: Channel, max_wait_s: float) -> bool:
        """Take a token of the channel's bucket, waiting up to `max_wait_s` for one; False
        when none came in time."""
        bucket = self._bucket(channel)
        if bucket is None:
            return True
        rate, burst = bucket
        deadline = time.monotonic() + max_wait_s
        while True:
            decision = await self._limiter.allow(f"channel:{channel.value}", rate, burst)
            if decision.allowed:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            await asyncio.sleep(min(decision.retry_after_s, left))
