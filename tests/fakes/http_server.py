"""A real HTTP server on a random loopback port (uvicorn, in the test's event loop) with fault injection.

Each provider fake gives it a handler; tests queue faults (`server.inject(...)`) that replace the
next answers: latency, timeouts (latency beyond the client's read timeout), 429 with Retry-After,
5xx, malformed JSON, wrong content types and oversized (streamed, never held in memory) bodies.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn


@dataclass
class FakeRequest:
    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(self.query_string, keep_blank_values=True))

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class FakeResponse:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    stream_bytes: int = 0  # > 0: stream this many filler bytes (chunked, no Content-Length) instead of `body`
    delay_s: float = 0.0

    @classmethod
    def json(cls, payload: Any, status: int = 200, **headers: str) -> FakeResponse:
        return cls(status=status, body=json.dumps(payload).encode(), headers=headers)


Handler = Callable[[FakeRequest], Awaitable[FakeResponse]]


class FakeHttpServer:
    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self.requests: list[FakeRequest] = []
        self.latency_s = 0.0
        self.faults: deque[FakeResponse] = deque()
        self.fault_pattern: Callable[[int], FakeResponse | None] | None = None  # by request index
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def inject(self, *responses: FakeResponse) -> None:
        """The next len(responses) requests get these answers instead of the handler's."""
        self.faults.extend(responses)

    def reset(self) -> None:
        self.requests.clear()
        self.faults.clear()
        self.fault_pattern = None
        self.latency_s = 0.0

    async def start(self) -> FakeHttpServer:
        """Serve from a thread with its own event loop, so it answers even while the caller's loop is blocked
        (Litestar's AsyncTestClient runs the app synchronously through a portal)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms delayed-ACK stalls
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self._asgi, interface="asgi3", lifespan="off", log_level="warning", access_log=False)
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
        self._thread.start()
        while not server.started:  # noqa: ASYNC110 - uvicorn exposes only a flag
            await asyncio.sleep(0.005)
        return self

    async def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            await asyncio.to_thread(self._thread.join, 10)

    async def _asgi(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        request = FakeRequest(
            method=scope["method"],
            path=scope["path"],
            query_string=scope["query_string"].decode(),
            headers={k.decode().lower(): v.decode() for k, v in scope["headers"]},
            body=body,
        )
        index = len(self.requests)
        self.requests.append(request)
        response = self.faults.popleft() if self.faults else None
        if response is None and self.fault_pattern is not None:
            response = self.fault_pattern(index)
        if response is None:
            response = await self._handler(request)
        delay = self.latency_s + response.delay_s
        if delay:
            await asyncio.sleep(delay)
        await self._send(send, response)

    async def _send(self, send: Any, response: FakeResponse) -> None:
        headers = [(k.lower().encode(), v.encode()) for k, v in response.headers.items()]
        if response.content_type is not None:
            headers.append((b"content-type", response.content_type.encode()))
        if not response.stream_bytes:
            headers.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        if not response.stream_bytes:
            await send({"type": "http.response.body", "body": response.body})
            return
        chunk = b"x" * 65536
        sent = 0
        try:
            while sent < response.stream_bytes:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                sent += len(chunk)
            await send({"type": "http.response.body", "body": b""})
        except OSError:
            return  # the client hung up once it had read enough: that is the point


@dataclass
class Payloads:
    """Recorded payloads from ../shared/contracts when present, else the small ones kept in tests/payloads."""

    directory: Any

    def text(self, name: str) -> str:
        return str((self.directory / name).read_text(encoding="utf-8"))

    def json(self, name: str) -> Any:
        return json.loads(self.text(name))


async def running(server: FakeHttpServer) -> AsyncIterator[FakeHttpServer]:
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
