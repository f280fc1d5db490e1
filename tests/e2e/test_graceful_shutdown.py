from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.support.server import free_port

ROOT = Path(__file__).resolve().parents[2]


def wait_until_live(base: str, process: subprocess.Popen[str], timeout: float = 120) -> None:
    """Start-up, not speed, is checked: a loaded machine can take over 30 s to import the app."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early: {process.stdout.read() if process.stdout else ''}")
        try:
            if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("server never became live")


# covers: S-OPS-2, S-OPS-4
@pytest.mark.slow
def test_sigterm_finishes_in_flight_requests_then_exits(clean_database: str, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "SUBDUB_ENV": "test",
        "DATABASE_URL": clean_database,
        "SUBDUB_HTTP_PORT": str(port),
        "SUBDUB_DATA_DIR": str(tmp_path),
        "SUBDUB_JWT_SECRET": "k" * 40,
        "SUBDUB_SHUTDOWN_GRACE_SECONDS": "10",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.serve_with_probes"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_live(base, process)
        result: dict[str, httpx.Response] = {}
        in_flight = threading.Thread(
            target=lambda: result.setdefault("slow", httpx.get(f"{base}/api/v1/test-probes/slow?seconds=2", timeout=15))
        )
        in_flight.start()
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{base}/health/live", timeout=2)
        in_flight.join(timeout=15)
        assert result["slow"].status_code == 200
        assert result["slow"].json() == {"status": "finished"}
        # uvicorn re-raises the signal once it has shut down cleanly, so "killed by SIGTERM" is the clean exit.
        assert process.wait(timeout=15) in (0, -signal.SIGTERM)
    finally:
        if process.poll() is None:
            process.kill()
    output = process.stdout.read() if process.stdout else ""
    assert "api.stopped" in output  # the lifespan closed the pools
    # Logs go to stdout only (S-OPS-4): the server wrote no files of its own.
    assert not any(p.suffix == ".log" for p in tmp_path.rglob("*"))
