"""Typed application errors with stable codes; the entrypoints map each kind to a response."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import DomainError


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str


class ApplicationError(Exception):
    code = "application_error"
    # Whether running the same work again later can succeed: read by every job through `is_transient`.
    retryable = False

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class NotFound(ApplicationError):
    code = "not_found"

    def __init__(self, entity: str, entity_id: object | None = None) -> None:
        super().__init__(f"{entity} not found")
        self.entity = entity
        self.entity_id = entity_id


class Conflict(ApplicationError):
    code = "conflict"


class Forbidden(ApplicationError):
    code = "forbidden"


class Unauthenticated(ApplicationError):
    code = "unauthenticated"


class InvalidInput(ApplicationError):
    """Well-formed but semantically invalid input (answered 422)."""

    code = "invalid_input"

    def __init__(self, detail: str, errors: Sequence[FieldError] = (), *, code: str | None = None) -> None:
        super().__init__(detail, code=code)
        self.errors = tuple(errors)


class PreconditionFailed(ApplicationError):
    code = "precondition_failed"


class PayloadTooLarge(ApplicationError):
    code = "payload_too_large"


class RateLimited(ApplicationError):
    code = "rate_limited"

    def __init__(self, detail: str, *, retry_after_s: int, code: str | None = None) -> None:
        super().__init__(detail, code=code)
        self.retry_after_s = retry_after_s


class DependencyUnavailable(ApplicationError):
    """A dependency (database, provider, engine) is down or refusing; transient unless it says otherwise."""

    code = "dependency_unavailable"
    retryable = True

    def __init__(
        self, dependency: str, detail: str | None = None, *, retry_after_s: int = 5, code: str | None = None
    ) -> None:
        super().__init__(detail or f"{dependency} is unavailable", code=code)
        self.dependency = dependency
        self.retry_after_s = retry_after_s


class TransientFailure(ApplicationError):
    """The work collided with another transaction (serialization failure, deadlock); safe to re-run."""

    code = "transient_failure"
    retryable = True


# --- External providers (OpenSubtitles, Dailymotion, Google Cloud TTS) --------------------------
# All answer 503 + Retry-After: the caller did nothing wrong, a dependency refused or failed.
# `retryable` tells jobs whether trying again later can help (bad credentials never heal by waiting).


class ProviderError(DependencyUnavailable):
    code = "provider_unavailable"

    def __init__(self, provider: str, detail: str | None = None, *, retry_after_s: int = 5) -> None:
        super().__init__(provider, detail or f"{provider} is unavailable", retry_after_s=retry_after_s)
        self.provider = provider


class ProviderUnavailable(ProviderError):
    """Timeouts, connection errors, 5xx after retries, or the circuit breaker is open."""

    code = "provider_unavailable"


class ProviderRateLimited(ProviderError):
    """The provider kept answering 429 (or asked us to wait longer than we are willing to)."""

    code = "provider_rate_limited"


class ProviderQuotaExhausted(ProviderError):
    """A daily quota is spent; `reset_at` (RFC 3339 UTC) says when it comes back (past any job's backoff)."""

    code = "provider_quota_exhausted"
    retryable = False

    def __init__(self, provider: str, detail: str, *, reset_at: str | None, retry_after_s: int = 3600) -> None:
        super().__init__(provider, detail, retry_after_s=retry_after_s)
        self.reset_at = reset_at


class ProviderAuthFailed(ProviderError):
    """Our credentials were refused (401/403 from the provider): a configuration problem, never retried."""

    code = "provider_auth_failed"
    retryable = False


class ProviderBadResponse(ProviderError):
    """Malformed or truncated JSON, an HTML error page, a wrong content type or an oversized body."""

    code = "provider_bad_response"


class ProviderDisabled(ProviderError):
    """The provider is not configured (no API key / credentials)."""

    code = "provider_disabled"
    retryable = False

    def __init__(self, provider: str) -> None:
        super().__init__(provider, f"{provider} is not configured on this server", retry_after_s=3600)


def is_transient(exc: BaseException) -> bool:
    """The one answer to "may a job run this work again?": a collided transaction, a dependency down or
    busy, or an unexpected error is worth another run (within the job's attempt budget); the caller's
    fault (invalid input, not found, forbidden...) or a refusal that waiting does not cure (credentials
    refused, a quota spent until tomorrow, a provider not configured) fails at once."""
    if isinstance(exc, ApplicationError):
        return exc.retryable
    return not isinstance(exc, DomainError)
