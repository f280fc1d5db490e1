"""Idempotency-Key on creating POSTs (S-API-6), switched on per route with one line:

    @post("/…", opt=IDEMPOTENCY_HONOURED)   # the header is optional
    @post("/…", opt=IDEMPOTENCY_REQUIRED)   # a request without it is refused (400)

The key is scoped to the caller (user id, or the client address for anonymous routes) + method + path.
The first request's status, headers and body are stored; the same key with the same body replays
them (with `Idempotent-Replayed: true`); with another body → 409 `idempotency_key_reused`; while the
first is still running the replay waits briefly, then answers 409 `idempotency_in_progress` with
`Retry-After`. Only 2xx answers are stored, and stored before they are sent, so a client that has seen
the answer always gets it replayed. After an error the client may retry with the same key. Keys expire
after 24 hours. Authentication comes first (401 before any idempotency check) and a replay counts
against the caller's rate limit like the request it replays.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Awaitable, Callable
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from application.errors import ApplicationError, Conflict, PayloadTooLarge, Unauthenticated
from application.ports.idempotency import IdempotencyClaim, IdempotencyKeys, StoredResponse
from application.use_cases.identity.authenticate import Authenticate
from entrypoints.http.auth import resolve_actor

OPT_KEY = "idempotency"
IDEMPOTENCY_HONOURED: dict[str, Any] = {OPT_KEY: "optional"}
IDEMPOTENCY_REQUIRED: dict[str, Any] = {OPT_KEY: "required"}
HEADER = b"idempotency-key"
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
# Headers that describe this exchange, not the stored result.
_NOT_STORED = {b"x-request-id", b"date", b"set-cookie", b"content-length", b"server", b"traceparent"}


IN_PROGRESS_WAIT_S = 2.0
IN_PROGRESS_POLL_S = 0.05


class BadIdempotencyKey(ApplicationError):
    code = "invalid_idempotency_key"


class KeyInProgress(Conflict):
    code = "idempotency_in_progress"
    retry_after_s = 1


# Counts one request of `owner` (the user id or `anon:<address>`) against its rate limit; raises RateLimited.
CountRequest = Callable[[str], Awaitable[None]]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


class IdempotencyMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        keys: IdempotencyKeys,
        authenticate: Authenticate,
        max_body_bytes: int,
        count_request: CountRequest,
    ) -> None:
        self.app = app
        self._keys = keys
        self._authenticate = authenticate
        self._max_body = max_body_bytes
        self._count_request = count_request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler") if scope["type"] == "http" else None  # type: ignore[comparison-overlap]
        mode = (handler.opt or {}).get(OPT_KEY) if handler is not None else None
        if not mode:
            await self.app(scope, receive, send)
            return
        owner = await self._owner(scope)
        if owner is None:  # not authenticated: the handler answers 401 itself
            await self.app(scope, receive, send)
            return
        key = _header(scope, HEADER)
        if key is None:
            if mode == "required":
                raise BadIdempotencyKey("this request needs an Idempotency-Key header", code="idempotency_key_required")
            await self.app(scope, receive, send)
            return
        if not _VALID_KEY.match(key):
            raise BadIdempotencyKey("Idempotency-Key must be 1 to 255 visible ASCII characters")
        body = await self._read_body(receive)
        if body is None:  # part of the body is consumed already: the handler must not see the rest alone
            raise PayloadTooLarge(f"the request body is larger than {self._max_body} bytes")
        claim = await self._claim(owner, scope, key, hashlib.sha256(body).digest())
        if claim.replay is not None:
            await self._count_request(owner)
            await self._replay(claim.replay, send)
            return
        if claim.record_id is not None:
            await self._run_and_store(scope, body, send, claim.record_id)

    async def _claim(self, owner: str, scope: Scope, key: str, request_hash: bytes) -> IdempotencyClaim:
        """Claim the key; while its first request is still running, wait a little for its stored answer."""
        deadline = asyncio.get_running_loop().time() + IN_PROGRESS_WAIT_S
        while True:
            try:
                return await self._keys.claim(
                    scope=owner,
                    method=str(scope.get("method", "POST")),
                    path=scope["path"],
                    key=key,
                    request_hash=request_hash,
                )
            except Conflict as exc:
                if exc.code != KeyInProgress.code:
                    raise
                if asyncio.get_running_loop().time() >= deadline:
                    raise KeyInProgress(exc.detail) from None
            await asyncio.sleep(IN_PROGRESS_POLL_S)

    async def _owner(self, scope: Scope) -> str | None:
        """The user for authenticated routes (None when the token is bad: the handler answers 401), else the client."""
        handler = scope["route_handler"]
        if "actor" not in handler.parsed_fn_signature.parameters:
            client = scope.get("client")
            return f"anon:{client[0] if client else 'unknown'}"
        try:
            return str((await resolve_actor(scope, self._authenticate)).user_id)
        except Unauthenticated:
            return None

    async def _read_body(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _replay(self, stored: StoredResponse, send: Send) -> None:
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in stored.headers]
        headers += [(b"idempotent-replayed", b"true"), (b"content-length", str(len(stored.body)).encode())]
        await send({"type": "http.response.start", "status": stored.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": stored.body, "more_body": False})

    async def _run_and_store(self, scope: Scope, body: bytes, send: Send, record_id: Any) -> None:
        delivered = False

        async def replay_body() -> Any:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        status = 500
        headers: list[tuple[str, str]] = []
        chunks: list[bytes] = []
        held: list[Message] = []

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers.extend(
                    (k.decode("latin-1"), v.decode("latin-1"))
                    for k, v in message.get("headers", [])
                    if k.lower() not in _NOT_STORED
                )
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            held.append(message)  # sent once the answer is stored

        try:
            await self.app(scope, replay_body, capture)
        except BaseException:
            await self._keys.release(record_id)
            raise
        if 200 <= status < 300:
            await self._keys.complete(
                record_id, StoredResponse(status_code=status, headers=headers, body=b"".join(chunks))
            )
        else:
            await self._keys.release(record_id)
        for message in held:
            await send(message)
