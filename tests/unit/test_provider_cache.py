"""The per-process layer of the provider cache (S-CACHE-1) and its keys (S-EXT-4)."""

from __future__ import annotations

from adapters.cache.keys import cache_key
from adapters.cache.layered import LayeredCache
from adapters.cache.memory import LruTtlCache, jittered


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_entries_expire_after_their_ttl() -> None:
    # covers: S-CACHE-1
    clock = Clock()
    cache = LruTtlCache(clock=clock, jitter=0.0)
    await cache.set("k", b"v", ttl_s=10)
    clock.now = 9.9
    assert await cache.get("k") == b"v"
    clock.now = 10.0
    assert await cache.get("k") is None
    assert cache.size_bytes == 0


async def test_the_least_recently_used_entry_goes_first_when_the_byte_budget_is_full() -> None:
    cache = LruTtlCache(max_bytes=30, jitter=0.0)
    await cache.set("a", b"x" * 10, ttl_s=60)
    await cache.set("b", b"x" * 10, ttl_s=60)
    await cache.set("c", b"x" * 10, ttl_s=60)
    await cache.get("a")  # a is now the most recently used
    await cache.set("d", b"x" * 10, ttl_s=60)
    assert await cache.get("b") is None
    assert await cache.get("a") is not None
    assert cache.size_bytes == 30
    await cache.set("huge", b"x" * 31, ttl_s=60)  # larger than the whole budget: not kept
    assert await cache.get("huge") is None


async def test_a_write_replaces_and_a_delete_invalidates() -> None:
    cache = LruTtlCache()
    await cache.set("k", b"old", ttl_s=60)
    await cache.set("k", b"new", ttl_s=60)
    assert await cache.get("k") == b"new"
    assert cache.size_bytes == 3
    await cache.delete("k")
    assert await cache.get("k") is None


def test_ttls_are_jittered_within_ten_percent() -> None:
    values = {round(jittered(100.0), 6) for _ in range(50)}
    assert len(values) > 1
    assert all(90.0 <= v <= 110.0 for v in values)


def test_keys_include_every_parameter_and_ignore_their_order() -> None:
    # covers: S-EXT-4
    base = cache_key("search", query="x", languages="en", page="2")
    assert base == cache_key("search", page="2", languages="en", query="x")
    assert base != cache_key("search", query="x", languages="en")
    assert base != cache_key("search", query="x", languages="fr", page="2")
    assert base != cache_key("other", query="x", languages="en", page="2")


async def test_without_redis_the_layered_cache_is_the_local_one() -> None:
    layered = LayeredCache(LruTtlCache())
    await layered.set("k", b"v", ttl_s=60)
    assert await layered.get("k") == b"v"
    await layered.delete("k")
    assert await layered.get("k") is None
