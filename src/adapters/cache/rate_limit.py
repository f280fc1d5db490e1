"""Fixed-window rate limiting: atomic counters in Redis, or a Litestar store guarded by a lock in process."""

from __future__ import annotations

import asyncio

from litestar.stores.base import Store
from redis.asyncio import Redis

from adapters.cache.stores import NAMESPACE
from application.ports.rate_limit import RateDecision


def _decision(count: int, limit: int, ttl: int | None, window_s: int) -> RateDecision:
    retry = ttl if ttl is not None and ttl > 0 else window_s
    return RateDecision(allowed=count <= limit, count=count, retry_after_s=max(1, retry))


class StoreRateLimiter:
    """For one process: every read-modify-write runs under one lock."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = asyncio.Lock()
        self._hits = 0

    async def _count(self, key: str) -> tuple[int, int | None]:
        raw = await self._store.get(key)
        if raw is None:
            return 0, None
        return int(raw), await self._store.expires_in(key)

    async def hit(self, key: str, *, limit: int, window_s: int) -> RateDecision:
        async with self._lock:
            count, ttl = await self._count(key)
            count += 1
            ttl = ttl if ttl and count > 1 else window_s
            await self._store.set(key, str(count), expires_in=ttl)
            self._hits += 1
            if self._hits % 1000 == 0 and hasattr(self._store, "delete_expired"):
                await self._store.delete_expired()  # keeps the in-process store bounded
        return _decision(count, limit, ttl, window_s)

    async def peek(self, key: str, *, limit: int, window_s: int) -> RateDecision:
        count, ttl = await self._count(key)
        return _decision(count + 1, limit, ttl, window_s)

    async def reset(self, key: str) -> None:
        await self._store.delete(key)


class RedisRateLimiter:
    """Shared by every replica: SET NX EX + INCR + TTL in one MULTI, so counting is atomic."""

    def __init__(self, redis: Redis, *, prefix: str = f"{NAMESPACE}:rate:") -> None:
        self._redis = redis
        self._prefix = prefix

    async def hit(self, key: str, *, limit: int, window_s: int) -> RateDecision:
        name = self._prefix + key
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(name, 0, ex=window_s, nx=True)
            pipe.incr(name)
            pipe.ttl(name)
            _, count, ttl = await pipe.execute()
        return _decision(int(count), limit, int(ttl), window_s)

    async def peek(self, key: str, *, limit: int, window_s: int) -> RateDecision:
        name = self._prefix + key
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.get(name)
            pipe.ttl(name)
            raw, ttl = await pipe.execute()
        return _decision(int(raw or 0) + 1, limit, int(ttl), window_s)

    async def reset(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)


def make_rate_limiter(redis: Redis | None, store: Store) -> StoreRateLimiter | RedisRateLimiter:
    return RedisRateLimiter(redis) if redis is not None else StoreRateLimiter(store)
