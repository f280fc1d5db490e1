from __future__ import annotations

from typing import Protocol

import msgspec


class RateDecision(msgspec.Struct, frozen=True, kw_only=True):
    allowed: bool
    count: int
    retry_after_s: int


class RateLimiter(Protocol):
    """Fixed-window counters shared by every replica (Redis) or kept in process."""

    async def hit(self, key: str, *, limit: int, window_s: int) -> RateDecision:
        """Count one event; allowed while the window's count stays within `limit`."""
        ...

    async def peek(self, key: str, *, limit: int, window_s: int) -> RateDecision:
        """Would one more event be allowed? Counts nothing."""
        ...

    async def reset(self, key: str) -> None: ...
