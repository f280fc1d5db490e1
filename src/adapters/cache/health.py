"""Readiness of the cache: Redis answers a PING when configured; the in-process layer is always there."""

from __future__ import annotations

from adapters.cache.layered import LayeredCache
from application.ports.health import CheckResult


class CacheHealthProbe:
    name = "cache"
    critical = False  # without Redis every replica still has its own LRU: slower, never wrong

    def __init__(self, cache: LayeredCache) -> None:
        self._cache = cache

    async def check(self) -> CheckResult:
        local = self._cache.local
        usage = f"in-process: {len(local)} entries, {local.size_bytes / 1024 / 1024:.1f} MiB"
        if self._cache.remote is None:
            return CheckResult(status="ok", detail=usage)
        result = await self._cache.remote.ping()
        return CheckResult(
            status=result.status if result.status == "ok" else "degraded",
            latency_ms=result.latency_ms,
            detail=f"redis {'ok' if result.status == 'ok' else result.detail}; {usage}",
        )
