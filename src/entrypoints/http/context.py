"""Per-request correlation: request id (X-Request-ID) and the trace id reported in problems.

The id is echoed from Litestar's `before_send` hook, which sees every response — including
404/405 answers for unmatched routes, which never pass through route middleware.
"""

from __future__ import annotations

import re
import uuid

import structlog
from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from opentelemetry import trace

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def ensure_request_id(scope: Scope) -> str:
    """The request's id: a sane incoming X-Request-ID, else a new one; stored in the scope once."""
    state = scope.setdefault("state", {})
    if "request_id" in state:
        return str(state["request_id"])
    incoming = dict(scope.get("headers", [])).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
    request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
    state["request_id"] = request_id
    return request_id


def current_trace_id(scope: Scope | None = None) -> str:
    span = trace.get_current_span().get_span_context()
    if span.is_valid:
        return format(span.trace_id, "032x")
    if scope is not None:
        return ensure_request_id(scope)
    bound = structlog.contextvars.get_contextvars().get("request_id")
    return str(bound) if bound else uuid.uuid4().hex


async def echo_request_id(message: Message, scope: Scope) -> None:
    if message["type"] == "http.response.start":
        MutableScopeHeaders.from_message(message)[REQUEST_ID_HEADER] = ensure_request_id(scope)


class RequestIdMiddleware:
    """Binds the request id (and trace id) to every log line written while handling the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=ensure_request_id(scope))
        try:
            await self.app(scope, receive, send)
        finally:
            structlog.contextvars.clear_contextvars()
