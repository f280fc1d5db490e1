"""A byte cache with explicit TTLs (S-CACHE-1): per-process LRU, then Redis when configured."""

from __future__ import annotations

from typing import Protocol


class Cache(Protocol):
    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, *, ttl_s: float) -> None:
        """Store for ttl_s seconds (implementations add jitter so entries do not expire in herds)."""
        ...

    async def delete(self, key: str) -> None: ...
