"""The Redis layer of the provider cache against a real Redis (TEST_REDIS_URL), skipped without one."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest

from adapters.cache.layered import LayeredCache
from adapters.cache.memory import LruTtlCache
from adapters.cache.redis import RedisCache

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")


@pytest.fixture
async def redis_cache() -> AsyncIterator[RedisCache]:
    assert REDIS_URL is not None
    cache = RedisCache.from_url(REDIS_URL, prefix=f"subdub-test:{uuid.uuid4().hex}:")
    try:
        yield cache
    finally:
        await cache.aclose()


async def test_redis_entries_carry_a_jittered_ttl(redis_cache: RedisCache) -> None:
    # covers: S-CACHE-1
    await redis_cache.set("k", b"v", ttl_s=100)
    value, remaining = await redis_cache.get_with_ttl("k")
    assert value == b"v"
    assert 85 <= remaining <= 110


async def test_a_second_replica_reads_through_redis_and_a_delete_reaches_both_layers(redis_cache: RedisCache) -> None:
    # covers: S-CACHE-1
    one = LayeredCache(LruTtlCache(), redis_cache)
    two = LayeredCache(LruTtlCache(), redis_cache)
    await one.set("video", b"meta", ttl_s=900)
    assert await two.local.get("video") is None
    assert await two.get("video") == b"meta"  # from Redis, now also local
    assert await two.local.get("video") == b"meta"
    await two.delete("video")
    assert await redis_cache.get("video") is None
    assert await two.get("video") is None


async def test_an_unreachable_redis_is_a_miss_not_an_error() -> None:
    cache = RedisCache.from_url("redis://127.0.0.1:9/0")
    await cache.set("k", b"v", ttl_s=10)
    assert await cache.get("k") is None
    assert cache.last_error is not None
    health = await cache.ping()
    assert health.status == "down"
    await cache.aclose()
