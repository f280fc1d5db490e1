"""When a failed job runs again: exponential backoff with full jitter, for transient failures only."""

from __future__ import annotations

import asyncio
import random

from procrastinate import RetryDecision
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy

from application.errors import DependencyUnavailable, TransientFailure


class RetryPolicy:
    """Configured once per process from the settings (tasks are declared at import time)."""

    def __init__(self, *, max_attempts: int = 5, base_s: float = 2.0, max_s: float = 300.0) -> None:
        self.configure(max_attempts=max_attempts, base_s=base_s, max_s=max_s)

    def configure(self, *, max_attempts: int, base_s: float, max_s: float) -> None:
        self.max_attempts = max_attempts
        self.base_s = base_s
        self.max_s = max_s

    def is_final(self, attempts_before: int) -> bool:
        """`attempts_before`: procrastinate's count of earlier runs of the job (0 on the first)."""
        return attempts_before + 1 >= self.max_attempts

    def delay_s(self, attempts_before: int) -> float:
        ceiling = min(self.max_s, self.base_s * 2**attempts_before)
        return random.uniform(ceiling / 2, ceiling)  # nosec B311 - jitter, not cryptography


class TransientRetryStrategy(BaseRetryStrategy):
    """Retries what the task marks as retryable, a lost database, and jobs given back at shutdown."""

    def __init__(self, policy: RetryPolicy, retryable: tuple[type[BaseException], ...]) -> None:
        self._policy = policy
        self._retryable = (*retryable, DependencyUnavailable, TransientFailure)

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if isinstance(exception, asyncio.CancelledError):
            return RetryDecision(retry_in={"seconds": 0})  # given back by a worker shutting down
        if not isinstance(exception, self._retryable) or self._policy.is_final(job.attempts):
            return None
        return RetryDecision(retry_in={"milliseconds": round(self._policy.delay_s(job.attempts) * 1000)})
