"""One contract for both RateLimiter adapters: in-process (Litestar MemoryStore) and Redis (TEST_REDIS_URL)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest
from litestar.stores.memory import MemoryStore
from redis.asyncio import Redis

from adapters.cache.rate_limit import RedisRateLimiter, StoreRateLimiter
from application.ports.rate_limit import RateLimiter

REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.fixture(params=["memory", "redis"])
async def limiter(request: pytest.FixtureRequest) -> AsyncIterator[RateLimiter]:
    if request.param == "memory":
        yield StoreRateLimiter(MemoryStore())
        return
    if not REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set")
    client = Redis.from_url(REDIS_URL)
    try:
        yield RedisRateLimiter(client, prefix=f"test:{uuid.uuid4().hex}:")
    finally:
        await client.aclose()


async def test_allows_up_to_the_limit_then_refuses_with_retry_after(limiter: RateLimiter) -> None:
    decisions = [await limiter.hit("k", limit=3, window_s=60) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.count for d in decisions] == [1, 2, 3, 4]
    assert 1 <= decisions[-1].retry_after_s <= 60


async def test_peek_counts_nothing(limiter: RateLimiter) -> None:
    await limiter.hit("k", limit=2, window_s=60)
    first = await limiter.peek("k", limit=2, window_s=60)
    again = await limiter.peek("k", limit=2, window_s=60)
    assert first == again
    assert first.allowed
    await limiter.hit("k", limit=2, window_s=60)
    assert not (await limiter.peek("k", limit=2, window_s=60)).allowed


async def test_keys_are_independent_and_reset_clears(limiter: RateLimiter) -> None:
    for _ in range(3):
        await limiter.hit("a", limit=2, window_s=60)
    assert (await limiter.hit("b", limit=2, window_s=60)).allowed
    await limiter.reset("a")
    assert (await limiter.hit("a", limit=2, window_s=60)).count == 1


async def test_the_window_expires(limiter: RateLimiter) -> None:
    await limiter.hit("w", limit=1, window_s=1)
    assert not (await limiter.hit("w", limit=1, window_s=1)).allowed
    await asyncio.sleep(2.1)
    assert (await limiter.hit("w", limit=1, window_s=1)).allowed


async def test_concurrent_hits_are_counted_exactly(limiter: RateLimiter) -> None:
    decisions = await asyncio.gather(*(limiter.hit("c", limit=5, window_s=60) for _ in range(20)))
    assert sorted(d.count for d in decisions) == list(range(1, 21))
    assert sum(d.allowed for d in decisions) == 5
