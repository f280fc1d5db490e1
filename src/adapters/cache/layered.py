"""Local LRU first, then Redis (S-CACHE-1): a Redis hit refills the local layer; writes and deletes go to both."""

from __future__ import annotations

from adapters.cache.memory import LruTtlCache
from adapters.cache.redis import RedisCache


class LayeredCache:
    def __init__(self, local: LruTtlCache, remote: RedisCache | None = None, *, local_ttl_cap_s: float = 300.0) -> None:
        self.local = local
        self.remote = remote
        # With a shared Redis, a local copy lives at most this long, so replicas converge after a write elsewhere.
        self._local_ttl_cap_s = local_ttl_cap_s

    async def get(self, key: str) -> bytes | None:
        value = await self.local.get(key)
        if value is not None or self.remote is None:
            return value
        value, remaining_s = await self.remote.get_with_ttl(key)
        if value is not None:
            await self.local.set(key, value, ttl_s=min(remaining_s, self._local_ttl_cap_s))
        return value

    async def set(self, key: str, value: bytes, *, ttl_s: float) -> None:
        local_ttl = ttl_s if self.remote is None else min(ttl_s, self._local_ttl_cap_s)
        await self.local.set(key, value, ttl_s=local_ttl)
        if self.remote is not None:
            await self.remote.set(key, value, ttl_s=ttl_s)

    async def delete(self, key: str) -> None:
        await self.local.delete(key)
        if self.remote is not None:
            await self.remote.delete(key)
