"""A cloud engine's provider error as the speech port's failure (naming the request of the batch)."""

from __future__ import annotations

from application.errors import ProviderError
from application.ports.speech import SynthesisFailed


def synthesis_failed(engine: str, index: int, exc: ProviderError) -> SynthesisFailed:
    """The port's failure keeping the provider's stable code and retry advice."""
    failure = SynthesisFailed(engine, index, exc.detail)
    failure.code = exc.code
    failure.retry_after_s = exc.retry_after_s
    failure.retryable = exc.retryable
    return failure
