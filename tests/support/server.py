"""Serve an ASGI app with uvicorn on a free loopback port in a background thread."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: Any, **config: Any) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on", **config)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def serve_subdub(database_url: str, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """`subdub serve` as shipped (plus the test probe routes) in its own process, cheap password hashing."""
    env = {
        **os.environ,
        "SUBDUB_ENV": "test",
        "DATABASE_URL": database_url,
        "SUBDUB_HTTP_PORT": str(port),
        "SUBDUB_DATA_DIR": str(data_dir),
        "SUBDUB_JWT_SECRET": "k" * 40,
        "SUBDUB_ARGON2_TIME_COST": "1",
        "SUBDUB_ARGON2_MEMORY_KIB": "1024",
        "SUBDUB_ARGON2_PARALLELISM": "1",
        "DAILYMOTION_ENABLED": "false",
    }
    command = [sys.executable, "-m", "tests.support.serve_with_probes"]
    root = Path(__file__).resolve().parents[2]
    return subprocess.Popen(command, env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def until_live(client: httpx.AsyncClient, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited"
        try:
            if (await client.get("/health/live")).status_code == 200:
                return
        except httpx.HTTPError:
            await asyncio.sleep(0.2)
    raise AssertionError("the server never became live")
