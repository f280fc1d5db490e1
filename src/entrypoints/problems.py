"""An error as the RFC 9457 problem object stored on a failed render (same table as the HTTP answers)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from domain.errors import DomainError
from entrypoints.http.errors import STATUS_OF


def problem_of(exc: BaseException, trace_id: str | None) -> dict[str, Any]:
    status = next((STATUS_OF[k] for k in type(exc).__mro__ if k in STATUS_OF), 500)
    if isinstance(exc, DomainError):
        detail = exc.message
    elif status == 500:
        detail = "the render failed unexpectedly"  # never leak internals
    else:
        detail = str(getattr(exc, "detail", exc))
    code = str(getattr(exc, "code", "internal_error")) if status != 500 else "internal_error"
    return {
        "type": f"urn:subdub:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "trace_id": trace_id,
    }
