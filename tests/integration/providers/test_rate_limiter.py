from __future__ import annotations

import pytest

from adapters.http.resilience import SlidingWindowLimiter


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_the_limiter_lets_a_full_window_through_then_waits_for_the_oldest_to_expire() -> None:
    fake = FakeTime()
    limiter = SlidingWindowLimiter(5, 1.0, clock=fake.clock, sleep=fake.sleep)
    for _ in range(5):
        await limiter.acquire()
    assert fake.slept == []
    await limiter.acquire()
    assert fake.slept == [1.0]


async def test_never_more_than_limit_calls_in_any_window() -> None:
    fake = FakeTime()
    limiter = SlidingWindowLimiter(3, 1.0, clock=fake.clock, sleep=fake.sleep)
    stamps = []
    for _ in range(20):
        await limiter.acquire()
        stamps.append(fake.now)
        fake.now += 0.1
    for i, t in enumerate(stamps):
        assert sum(1 for s in stamps if t <= s < t + 1.0 - 1e-6) <= 3, i


def test_a_limiter_needs_a_positive_limit() -> None:
    with pytest.raises(ValueError, match="limit"):
        SlidingWindowLimiter(0, 1.0)
