"""Re-run a whole use case when its transaction collided (serialization failure, deadlock) and, for the
worker's bookkeeping, while the database is away (a restart) for up to a patience."""

from __future__ import annotations

from functools import cache
from typing import Any

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_random_exponential

from application.errors import DependencyUnavailable, TransientFailure

ATTEMPTS = 4


def _stop(attempts: int, outage_patience_s: float) -> Any:
    """Collisions get `attempts` runs; an outage is waited out until `outage_patience_s` has passed."""

    def stop(state: RetryCallState) -> bool:
        error = state.outcome.exception() if state.outcome is not None else None
        if isinstance(error, TransientFailure):
            return state.attempt_number >= attempts
        return (state.seconds_since_start or 0.0) + (state.upcoming_sleep or 0.0) > outage_patience_s

    return stop


async def run_with_retries(
    execute: Any, *args: Any, attempts: int = ATTEMPTS, outage_patience_s: float = 0.0, **kwargs: Any
) -> Any:
    """`await execute(*args, **kwargs)`, again after a jittered backoff while it raises TransientFailure
    (or DependencyUnavailable, while `outage_patience_s` lasts)."""
    retried = (TransientFailure, DependencyUnavailable) if outage_patience_s > 0 else TransientFailure
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(retried),
        wait=wait_random_exponential(multiplier=0.02, max=5.0),
        stop=_stop(attempts, outage_patience_s),
        reraise=True,
    ):
        with attempt:
            return await execute(*args, **kwargs)
    raise AssertionError("unreachable")  # pragma: no cover


class RetriesWrites:
    """Mixed in before a use case class: each retry of `execute` runs a fresh transaction."""

    outage_patience_s = 0.0

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        return await run_with_retries(
            super().execute,  # type: ignore[misc]
            *args,
            outage_patience_s=self.outage_patience_s,
            **kwargs,
        )


@cache
def retrying(use_case: type, *, outage_patience_s: float = 0.0) -> type:
    """The use case's class with RetriesWrites mixed in (still an instance of the class handlers declare)."""
    return type(
        use_case.__name__,
        (RetriesWrites, use_case),
        {"__module__": use_case.__module__, "outage_patience_s": outage_patience_s},
    )
