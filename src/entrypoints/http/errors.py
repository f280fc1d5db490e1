"""Errors as RFC 9457 problem responses, from the one table in `entrypoints.problems`."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

import msgspec
import structlog
from litestar import Litestar, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute

from adapters.postgres.errors import translate as translate_driver_error
from application import errors as app_errors
from domain.errors import DomainError
from entrypoints.http.context import current_trace_id
from entrypoints.http.error_log import ThrottledErrorLog
from entrypoints.http.schemas import Problem, ProblemFieldError
from entrypoints.problems import UNEXPECTED_DETAIL, describe

log = structlog.get_logger(__name__)
ERROR_LOG_STATE = "unhandled_errors"


def unhandled_error_log() -> ThrottledErrorLog:
    """One per app (kept in its state): a full traceback per distinct error per minute, counts otherwise."""
    return ThrottledErrorLog(log, event="request.unhandled_error")


PROBLEM_MEDIA_TYPE = "application/problem+json"

# Litestar's own errors carry only a status; these are their stable codes.
CODE_OF_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    416: "range_not_satisfiable",
    422: "invalid_input",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


def problem_response(
    status: int,
    code: str,
    detail: str,
    request: Request[Any, Any, Any] | None,
    *,
    errors: list[ProblemFieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    problem = Problem(
        type=f"urn:subdub:problem:{code}",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        code=code,
        trace_id=current_trace_id(request.scope if request is not None else None),
        errors=errors,
    )
    return Response(
        content=msgspec.json.encode(problem),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers or {},
    )


def handle_application_error(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    parts = describe(exc)
    if parts.status >= 500:
        log.warning("request.dependency_failed", code=parts.code, detail=parts.detail)
    errors = [ProblemFieldError(name, message) for name, message in parts.errors] if parts.errors else None
    return problem_response(parts.status, parts.code, parts.detail, request, errors=errors, headers=parts.headers)


_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")


def _field_of(item: dict[str, Any]) -> str:
    """The offending field: msgspec names a missing one only in its message (`key` is then the body, `data`)."""
    key = str(item.get("key") or item.get("source") or "body")
    missing = _MISSING_FIELD.search(str(item.get("message", "")))
    if missing and key == "data":
        return missing.group(1)
    return key


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    status = exc.status_code
    errors: list[ProblemFieldError] | None = None
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail else HTTPStatus(status).phrase
    if isinstance(exc, ValidationException):
        errors = [
            ProblemFieldError(_field_of(item), str(item.get("message", "")))
            for item in (exc.extra if isinstance(exc.extra, list) else [])
            if isinstance(item, dict)
        ]
        detail = "The request is malformed or does not match the schema"
    if status >= 500:
        log.error("request.failed", status=status)
        detail = UNEXPECTED_DETAIL
    headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() in ("retry-after", "allow")}
    code = exc.extra.get("code") if isinstance(exc.extra, dict) else None
    return problem_response(
        status,
        str(code or CODE_OF_STATUS.get(status, "error")),
        detail,
        request,
        errors=errors or None,
        headers=headers,
    )


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    mapped = translate_driver_error(exc)
    if mapped is not None:
        return handle_application_error(request, mapped)
    errors = request.app.state.get(ERROR_LOG_STATE) if request is not None else None
    (errors if isinstance(errors, ThrottledErrorLog) else unhandled_error_log()).report(exc)
    return problem_response(500, "internal_error", UNEXPECTED_DETAIL, request)


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    app_errors.ApplicationError: handle_application_error,
    DomainError: handle_application_error,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI documentation of the problem responses a route can give."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=HTTPStatus(status).phrase,
            media_type=PROBLEM_MEDIA_TYPE,
            generate_examples=False,
        )
        for status in statuses
    }


# Problems any API route can answer, whatever it does: documented on every operation.
COMMON_API_PROBLEMS = (400, 401, 404, 413, 429, 500, 503)


def document_problem_responses(app: Litestar) -> None:
    """Add the common problem responses to every route's OpenAPI entry (route-specific ones win)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        statuses = COMMON_API_PROBLEMS if route.path.startswith("/api/") else (500,)
        for handler in route.route_handlers:
            if not handler.include_in_schema:
                continue
            handler.responses = {**problem_responses(*statuses), **(handler.responses or {})}
