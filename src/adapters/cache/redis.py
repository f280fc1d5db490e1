"""The shared cache layer when REDIS_URL is set; a Redis failure is a cache miss, never an error."""

from __future__ import annotations

import time

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.cache.memory import jittered
from application.ports.health import CheckResult

log = structlog.get_logger(__name__)


class RedisCache:
    def __init__(self, client: Redis, *, prefix: str = "subdub:cache:", jitter: float = 0.1) -> None:
        self._client = client
        self._prefix = prefix
        self._jitter = jitter
        self.last_error: str | None = None

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "subdub:cache:") -> RedisCache:
        return cls(Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=1.0), prefix=prefix)

    async def get(self, key: str) -> bytes | None:
        value, _ = await self.get_with_ttl(key)
        return value

    async def get_with_ttl(self, key: str) -> tuple[bytes | None, float]:
        """The value and its remaining lifetime in seconds (0 when missing)."""
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                pipe.get(self._prefix + key)
                pipe.pttl(self._prefix + key)
                value, pttl = await pipe.execute()
        except RedisError as exc:
            self._failed("get", exc)
            return None, 0.0
        if value is None:
            return None, 0.0
        return bytes(value), max(0.0, int(pttl) / 1000)

    async def set(self, key: str, value: bytes, *, ttl_s: float) -> None:
        if ttl_s <= 0:
            return
        try:
            await self._client.set(self._prefix + key, value, px=max(1, int(jittered(ttl_s, self._jitter) * 1000)))
        except RedisError as exc:
            self._failed("set", exc)

    async def delete(self, key: str) -> None:
        try:
            await self._client.delete(self._prefix + key)
        except RedisError as exc:
            self._failed("delete", exc)

    async def ping(self) -> CheckResult:
        started = time.perf_counter()
        try:
            await self._client.ping()
        except RedisError as exc:
            return CheckResult(status="down", detail=type(exc).__name__)
        return CheckResult(status="ok", latency_ms=round((time.perf_counter() - started) * 1000, 2), detail="redis")

    async def aclose(self) -> None:
        await self._client.aclose()

    def _failed(self, operation: str, exc: RedisError) -> None:
        self.last_error = f"{operation}: {type(exc).__name__}"
        log.warning("cache.redis_failed", operation=operation, error_type=type(exc).__name__)
