"""Re-run a whole use case when its transaction collided (serialization failure, deadlock)."""

from __future__ import annotations

from functools import cache
from typing import Any

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from application.errors import TransientFailure

ATTEMPTS = 4


async def run_with_retries(execute: Any, *args: Any, attempts: int = ATTEMPTS, **kwargs: Any) -> Any:
    """`await execute(*args, **kwargs)`, again after a jittered backoff while it raises TransientFailure."""
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(TransientFailure),
        wait=wait_random_exponential(multiplier=0.02, max=1.0),
        stop=stop_after_attempt(attempts),
        reraise=True,
    ):
        with attempt:
            return await execute(*args, **kwargs)
    raise AssertionError("unreachable")  # pragma: no cover


class RetriesWrites:
    """Mixed in before a use case class: each retry of `execute` runs a fresh transaction."""

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        return await run_with_retries(super().execute, *args, **kwargs)  # type: ignore[misc]


@cache
def retrying(use_case: type) -> type:
    """The use case's class with RetriesWrites mixed in (still an instance of the class handlers declare)."""
    return type(use_case.__name__, (RetriesWrites, use_case), {"__module__": use_case.__module__})
