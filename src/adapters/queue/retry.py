"""When a failed job runs again: exponential backoff with full jitter, for transient failures only."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

from procrastinate import RetryDecision
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy

from application.errors import is_transient


@dataclass(frozen=True)
class JobRetryPolicy:
    """Built from the settings by the wiring (SUBDUB_JOB_MAX_ATTEMPTS, SUBDUB_JOB_RETRY_*_SECONDS)."""

    max_attempts: int = 5
    base_s: float = 2.0
    max_s: float = 300.0

    def is_final(self, attempts_before: int) -> bool:
        """`attempts_before`: procrastinate's count of earlier runs of the job (0 on the first)."""
        return attempts_before + 1 >= self.max_attempts

    def delay_s(self, attempts_before: int) -> float:
        ceiling = min(self.max_s, self.base_s * 2**attempts_before)
        return random.uniform(ceiling / 2, ceiling)  # nosec B311 - jitter, not cryptography


class TransientRetryStrategy(BaseRetryStrategy):
    """Retries what `is_transient` calls transient, and jobs given back by a worker shutting down."""

    def __init__(self, policy: JobRetryPolicy) -> None:
        self.policy = policy

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if isinstance(exception, asyncio.CancelledError):
            return RetryDecision(retry_in={"seconds": 0})  # given back by a worker shutting down
        if not is_transient(exception) or self.policy.is_final(job.attempts):
            return None
        return RetryDecision(retry_in={"milliseconds": round(self.policy.delay_s(job.attempts) * 1000)})
