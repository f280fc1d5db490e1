"""X-Forwarded-For counts only from SUBDUB_TRUSTED_PROXIES (none by default), so it cannot dodge per-IP limits."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from litestar import Litestar, Request, get

from entrypoints.cli.serve import server_config
from tests.support.app import test_settings as app_settings
from tests.support.server import free_port


@get("/peer", sync_to_thread=False)
def peer(request: Request) -> dict[str, str]:  # type: ignore[type-arg]
    return {"client": request.client.host if request.client else "?"}


@contextmanager
def serving_like_serve(tmp_path: Path, **overrides: str) -> Iterator[str]:
    """The uvicorn configuration `subdub serve` uses, around a probe app that echoes the client address."""
    port = free_port()
    settings = app_settings(tmp_path, SUBDUB_HTTP_PORT=str(port), **overrides)
    config = server_config(settings, Litestar([peer]))
    config.loop, config.http, config.lifespan = "asyncio", "h11", "off"
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [({}, "127.0.0.1"), ({"SUBDUB_TRUSTED_PROXIES": "127.0.0.1"}, "203.0.113.9")],
)
# covers: S-SEC-2
def test_forwarded_for_is_believed_only_from_trusted_proxies(
    tmp_path: Path, overrides: dict[str, str], expected: str
) -> None:
    with serving_like_serve(tmp_path, **overrides) as base:
        answer = httpx.get(f"{base}/peer", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10)
    assert answer.json()["client"] == expected
