"""The GCRA bucket in Redis: a burst passes, then requests wait for the rate to refill it."""

import asyncio
import secrets

import pytest
import redis.asyncio as redis
from kombel_runtime.ratelimit import RateLimiter
from kombel_runtime.testing.infrastructure import Infrastructure

pytestmark = pytest.mark.infra


async def test_a_bucket_refills_at_its_rate_and_looking_spends_nothing(
    infrastructure: Infrastructure,
) -> None:
    client = redis.Redis.from_url(infrastructure.endpoints.redis_url)
    limiter = RateLimiter(client, namespace=f"test-{secrets.token_hex(4)}")
    try:
        key = "kanal:email"
        assert (await limiter.allow(key, rate=20, burst=2, take=False)).allowed
        assert (await limiter.allow(key, rate=20, burst=2)).allowed
        assert (await limiter.allow(key, rate=20, burst=2)).allowed
        allowed, retry_after_s = await limiter.allow(key, rate=20, burst=2)
        assert not allowed
        assert 0 < retry_after_s <= 0.05
        assert not (await limiter.allow(key, rate=20, burst=2, take=False)).allowed
        await asyncio.sleep(retry_after_s + 0.01)
        assert (await limiter.allow(key, rate=20, burst=2)).allowed
        assert not (await limiter.allow(key, rate=20, burst=2)).allowed
    finally:
        await client.aclose()
