"""Per-process LRU with TTL and a byte budget: the first cache layer (S-CACHE-1)."""

from __future__ import annotations

import random
import time
from collections import OrderedDict
from collections.abc import Callable


def jittered(ttl_s: float, spread: float = 0.1) -> float:
    """TTL ± spread, so entries written together do not expire together."""
    return ttl_s * random.uniform(1 - spread, 1 + spread)  # nosec B311 - spreading expiry, not security


class LruTtlCache:
    def __init__(
        self,
        *,
        max_entries: int = 4096,
        max_bytes: int = 64 * 1024 * 1024,
        clock: Callable[[], float] = time.monotonic,
        jitter: float = 0.1,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._clock = clock
        self._jitter = jitter
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._bytes = 0

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, value = entry
        if expires_at <= self._clock():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return value

    async def set(self, key: str, value: bytes, *, ttl_s: float) -> None:
        self._drop(key)
        if len(value) > self.max_bytes or ttl_s <= 0:
            return
        self._entries[key] = (self._clock() + jittered(ttl_s, self._jitter), value)
        self._bytes += len(value)
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            oldest = next(iter(self._entries))
            self._drop(oldest)

    async def delete(self, key: str) -> None:
        self._drop(key)

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry[1])
