"""The one table that turns errors into RFC 9457 problems: the HTTP answers and the problem stored
on a failed render or job are built from it (no web framework here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from application import errors as app_errors
from domain.errors import DomainError

# application error class -> HTTP status; the most specific class wins (checked in MRO order).
STATUS_OF: dict[type[Exception], int] = {
    app_errors.NotFound: 404,
    app_errors.Conflict: 409,
    app_errors.Forbidden: 403,
    app_errors.Unauthenticated: 401,
    app_errors.InvalidInput: 422,
    app_errors.PreconditionFailed: 412,
    app_errors.PayloadTooLarge: 413,
    app_errors.RateLimited: 429,
    app_errors.DependencyUnavailable: 503,
    app_errors.TransientFailure: 503,
    app_errors.ApplicationError: 400,
    DomainError: 422,
}
UNEXPECTED_DETAIL = "An unexpected error occurred"


@dataclass(frozen=True)
class ProblemParts:
    status: int
    code: str
    detail: str
    errors: list[tuple[str, str]] | None = None  # (field, message)
    headers: dict[str, str] = field(default_factory=dict)


def status_of(exc: BaseException) -> int:
    return next((STATUS_OF[k] for k in type(exc).__mro__ if k in STATUS_OF), 500)


def describe(exc: BaseException) -> ProblemParts:
    """Status, stable code, detail, field errors and headers; an unknown error says nothing of its insides."""
    status = status_of(exc)
    if status == 500:
        return ProblemParts(500, "internal_error", UNEXPECTED_DETAIL)
    errors = None
    if isinstance(exc, app_errors.InvalidInput) and exc.errors:
        errors = [(e.field, e.message) for e in exc.errors]
    if isinstance(exc, DomainError):
        detail = exc.message
        if exc.field:
            errors = [(exc.field, exc.message)]
    else:
        detail = str(getattr(exc, "detail", exc))
    return ProblemParts(status, str(getattr(exc, "code", "error")), detail, errors, _headers_for(exc))


def _headers_for(exc: BaseException) -> dict[str, str]:
    retry_after_s = getattr(exc, "retry_after_s", None)
    if isinstance(retry_after_s, int | float):
        return {"Retry-After": str(max(1, int(retry_after_s)))}
    if isinstance(exc, app_errors.TransientFailure):
        return {"Retry-After": "1"}
    if isinstance(exc, app_errors.Unauthenticated):
        return {"WWW-Authenticate": 'Bearer realm="subdub"'}  # RFC 6750
    return {}


def problem_of(exc: BaseException, trace_id: str | None) -> dict[str, Any]:
    """The problem object stored on a failed render (the same fields as an HTTP problem body)."""
    parts = describe(exc)
    detail = "the render failed unexpectedly" if parts.status == 500 else parts.detail
    return {
        "type": f"urn:subdub:problem:{parts.code}",
        "title": HTTPStatus(parts.status).phrase,
        "status": parts.status,
        "detail": detail,
        "code": parts.code,
        "trace_id": trace_id,
    }
