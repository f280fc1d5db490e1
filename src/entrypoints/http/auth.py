"""Bearer authentication for handlers: declare `actor: Actor` and the request is authenticated or 401.

The actor is resolved once per request and kept in the ASGI scope, so the idempotency middleware and the
handler's dependency share one verification. A general per-user rate limit applies to every
authenticated route.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Scope

from application.actor import Actor
from application.errors import RateLimited, Unauthenticated
from application.ports.rate_limit import RateLimiter
from application.use_cases.identity.authenticate import Authenticate
from entrypoints.http.context import current_trace_id

_ACTOR = "subdub.actor"
_AUTH_ERROR = "subdub.auth_error"
MISSING = "an `Authorization: Bearer <access token>` header is required"
# Route option: the route also takes a render's playback token in `?token=` (media elements send no header).
TAKES_PLAYBACK_LINKS = "playback_token"


def bearer_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None


def playback_token(scope: Scope) -> tuple[str | None, UUID | None]:
    """The `?token=` of a route that takes playback tokens, with the render its path names."""
    handler = scope.get("route_handler")
    render_id = scope.get("path_params", {}).get("render_id")
    if handler is None or not handler.opt.get(TAKES_PLAYBACK_LINKS) or not isinstance(render_id, UUID):
        return None, None
    tokens = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [])
    return (tokens[0], render_id) if len(tokens) == 1 and tokens[0] else (None, None)


async def resolve_actor(scope: Scope, authenticate: Authenticate) -> Actor:
    """The request's actor (verified once per request), or Unauthenticated."""
    state: dict[str, Any] = scope.setdefault("state", {})
    if _ACTOR in state:
        return state[_ACTOR]  # type: ignore[no-any-return]
    if _AUTH_ERROR in state:
        raise state[_AUTH_ERROR]
    token, render_id = bearer_token(scope), None
    if token is None:
        token, render_id = playback_token(scope)
    try:
        if token is None:
            raise Unauthenticated(MISSING, code="unauthenticated")
        actor = await authenticate.execute(token, trace_id=current_trace_id(scope), render_id=render_id)
    except Unauthenticated as exc:
        state[_AUTH_ERROR] = exc
        raise
    state[_ACTOR] = actor
    return actor


def actor_dependency(authenticate: Authenticate, limiter: RateLimiter, *, per_minute: int) -> Provide:
    async def provide_actor(request: ASGIConnection[Any, Any, Any, Any]) -> Actor:
        actor = await resolve_actor(request.scope, authenticate)
        decision = await limiter.hit(f"user:{actor.user_id}", limit=per_minute, window_s=60)
        if not decision.allowed:
            raise RateLimited("too many requests for this account", retry_after_s=decision.retry_after_s)
        return actor

    return Provide(provide_actor)


def client_ip(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The peer address; run behind a proxy that sets it (e.g. uvicorn --proxy-headers) when there is one."""
    return connection.client.host if connection.client else "unknown"


async def auth_ip_rate_limit(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard for login and register: at most N requests per client IP per minute (S-SEC-2)."""
    container = connection.app.state["container"]
    per_minute = container.settings().auth_rate_limit_per_minute
    limiter = container.core.rate_limiter()
    decision = await limiter.hit(f"auth:ip:{client_ip(connection)}", limit=per_minute, window_s=60)
    if not decision.allowed:
        raise RateLimited("too many requests from this address", retry_after_s=decision.retry_after_s)


def replay_counter(limiter: RateLimiter, *, per_minute: int, auth_per_minute: int) -> Any:
    """Counts an idempotent replay like the request it replays: per user, or per address on anonymous routes."""

    async def count(owner: str) -> None:
        if owner.startswith("anon:"):
            key, limit, who = f"auth:ip:{owner.removeprefix('anon:')}", auth_per_minute, "address"
        else:
            key, limit, who = f"user:{owner}", per_minute, "account"
        decision = await limiter.hit(key, limit=limit, window_s=60)
        if not decision.allowed:
            raise RateLimited(f"too many requests for this {who}", retry_after_s=decision.retry_after_s)

    return count
