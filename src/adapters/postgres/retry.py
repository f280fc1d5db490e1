"""Re-run a whole use case when its transaction collided (serialization failure, deadlock)."""

from __future__ import annotations

from typing import Any

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from application.errors import TransientFailure


class RetryingUseCase:
    """Wraps any use case with one `execute`; each retry runs a fresh transaction after a jittered backoff."""

    def __init__(self, inner: Any, *, attempts: int = 4) -> None:
        self._inner = inner
        self._attempts = attempts

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(TransientFailure),
            wait=wait_random_exponential(multiplier=0.02, max=1.0),
            stop=stop_after_attempt(self._attempts),
            reraise=True,
        ):
            with attempt:
                return await self._inner.execute(*args, **kwargs)
        raise AssertionError("unreachable")  # pragma: no cover

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
