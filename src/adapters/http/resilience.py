"""Circuit breaker and client-side rate limiter for async provider calls.

pybreaker's `call()` cannot await a coroutine, so its state machine is driven through
`breaker.calling()` (a synchronous context manager) around the awaited call: entering it raises
`CircuitBreakerError` while the circuit is open (the call is never made), leaving it records the
outcome. Its internal lock is held only while entering and leaving, never across the await.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Literal, TypeVar

import pybreaker

T = TypeVar("T")
BreakerState = Literal["closed", "open", "half_open"]


class BreakerOpenError(Exception):
    """The circuit is open: the call was refused without touching the network."""

    def __init__(self, name: str, retry_after_s: float) -> None:
        super().__init__(f"circuit breaker for {name} is open")
        self.retry_after_s = retry_after_s


class AsyncCircuitBreaker:
    """One per provider: `fail_max` consecutive failures open it for `reset_timeout_s`, then one trial call."""

    def __init__(
        self,
        name: str,
        *,
        fail_max: int = 10,
        reset_timeout_s: float = 30.0,
        is_failure: Callable[[BaseException], bool] = lambda exc: True,
    ) -> None:
        self.name = name
        self._breaker = pybreaker.CircuitBreaker(
            fail_max=fail_max,
            reset_timeout=reset_timeout_s,
            exclude=[lambda exc: not is_failure(exc)],
            name=name,
            throw_new_error_on_trip=False,  # the failure that tripped it propagates unchanged
        )

    @property
    def state(self) -> BreakerState:
        current = self._breaker.current_state
        if current == pybreaker.STATE_OPEN:
            return "half_open" if self._retry_after_s() <= 0 else "open"
        if current == pybreaker.STATE_HALF_OPEN:
            return "half_open"
        return "closed"

    @property
    def fail_counter(self) -> int:
        return self._breaker.fail_counter

    def _retry_after_s(self) -> float:
        opened_at = self._breaker._state_storage.opened_at
        if opened_at is None:
            return 0.0
        remaining = opened_at + timedelta(seconds=self._breaker.reset_timeout) - datetime.now(UTC)
        return max(0.0, remaining.total_seconds())

    async def call(self, operation: Callable[[], Awaitable[T]]) -> T:
        try:
            with self._breaker.calling():
                return await operation()
        except pybreaker.CircuitBreakerError:
            raise BreakerOpenError(self.name, self._retry_after_s()) from None


class SlidingWindowLimiter:
    """At most `limit` calls in any `window_s` seconds (the way providers count), waiting FIFO when full."""

    def __init__(
        self,
        limit: int,
        window_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("a rate limit needs limit >= 1 and a positive window")
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                while self._stamps and self._stamps[0] <= now - self.window_s + 1e-6:  # float-rounding slack
                    self._stamps.popleft()
                if len(self._stamps) < self.limit:
                    self._stamps.append(now)
                    return
                await self._sleep(self._stamps[0] + self.window_s - now)
