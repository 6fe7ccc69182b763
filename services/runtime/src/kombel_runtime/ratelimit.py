"""Rate limits in Redis: one atomic GCRA bucket per key, shared by every process of a service.

GCRA (the generic cell rate algorithm) keeps a single number per key, the theoretical arrival
time of the next request, so a bucket is one short string that expires once it is full again.
The script reads the clock of Redis, not of the caller, so API replicas on machines whose
clocks drift still agree. The HTTP edge limits requests with it; sending limits per channel
(notifications) are meant to use the same bucket.

When Redis cannot be reached the limiter lets everything through and warns: a missing limit
for a while is better than refusing every request of the platform.
"""

import asyncio
import logging
import math
import time
from typing import NamedTuple

import redis.asyncio as redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# KEYS[1]: the bucket. ARGV: emission interval (µs), burst, whether to take a token (1/0).
# Returns {allowed (1/0), microseconds until a token is free}.
_GCRA = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local next_tat = tat + interval
local allowed_at = next_tat - interval * burst
if allowed_at > now then
  return {0, math.ceil(allowed_at - now)}
end
if ARGV[3] == '1' then
  redis.call('SET', KEYS[1], string.format('%.0f', next_tat),
             'PX', math.max(1, math.ceil((next_tat - now) / 1000)))
end
return {1, 0}
"""

_WARN_EVERY_S = 60.0


class Decision(NamedTuple):
    allowed: bool
    retry_after_s: float

    @property
    def retry_after_header(self) -> str:
        """Whole seconds for `Retry-After`, never 0: a client told 0 retries at once."""
        return str(max(1, math.ceil(self.retry_after_s)))


class RateLimiter:
    """`allow(key, rate, burst)`: `rate` tokens per second refill a bucket of `burst` tokens."""

    def __init__(self, client: "redis.Redis", namespace: str, timeout_s: float = 0.5) -> None:
        self._script = client.register_script(_GCRA)
        self._namespace = namespace
        self._timeout_s = timeout_s
        self._warned_at = -math.inf

    async def allow(self, key: str, rate: float, burst: int, *, take: bool = True) -> Decision:
        """Whether a request may pass now and, if not, how long until it may.

        With `take=False` the bucket is only looked at: the answer is the same, and nothing
        is spent (to ask whether a caller is still blocked before doing costly work).
        """
        if rate <= 0 or burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")
        interval_us = 1_000_000 / rate
        try:
            async with asyncio.timeout(self._timeout_s):
                allowed, wait_us = await self._script(
                    keys=[f"{self._namespace}:rl:{key}"],
                    args=[f"{interval_us:.3f}", burst, 1 if take else 0],
                )
        except (RedisError, OSError, TimeoutError) as error:
            self._warn_unlimited(error)
            return Decision(True, 0.0)
        return Decision(bool(allowed), int(wait_us) / 1_000_000)

    def _warn_unlimited(self, error: BaseException) -> None:
        # Once a minute: with Redis down every request would log otherwise.
        now = time.monotonic()
        if now - self._warned_at >= _WARN_EVERY_S:
            self._warned_at = now
            log.warning(
                "rate limits not applied: redis unreachable",
                extra={"error_type": type(error).__name__},
            )
