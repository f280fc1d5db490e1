"""`subdub run` on a machine with no DATABASE_URL: embedded PostgreSQL, migrations, API and worker."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.server import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_root() -> Iterator[Path]:
    """Outside pytest's tmp dirs: pytest resets its base temp dir to 0700 whenever an xdist worker
    starts, which would cut the unprivileged PostgreSQL user off from its data mid-initdb."""
    root = Path(tempfile.mkdtemp(prefix="subdub-e2e-"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def embedded_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SUBDUB_ENV="test", SUBDUB_DATA_DIR=str(data_dir), SUBDUB_JWT_SECRET="e" * 40, **extra)
    return env


def subdub(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli.main", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


# covers: S-DB-2
@pytest.mark.slow
def test_migrate_commands_on_the_embedded_server(data_root: Path) -> None:
    env = embedded_env(data_root / "data")
    status = subdub("migrate", "status", env=env)
    assert status.returncode == 0, status.stderr
    assert "pending  0001_procrastinate" in status.stdout
    up = subdub("migrate", "up", env=env)
    assert up.returncode == 0 and "0001_procrastinate" in up.stdout
    assert "applied  0001_procrastinate" in subdub("migrate", "status", env=env).stdout
    again = subdub("migrate", "up", env=env)
    assert "nothing (up to date)" in again.stdout
    doctor = subdub("doctor", env=env)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "overall: ok" in doctor.stdout
    assert "database" in doctor.stdout and "queue" in doctor.stdout
    assert (data_root / "data" / "pg").is_dir()


def running_postmasters(root: Path) -> list[int]:
    """Pids of the PostgreSQL servers with a data directory under `root` that are still alive."""
    alive = []
    for pid_file in root.rglob("postmaster.pid"):
        try:
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, 0)
        except (OSError, ValueError, IndexError):
            continue
        alive.append(pid)
    return alive


def wait_for_no_postmaster(root: Path, timeout_s: float) -> list[int]:
    deadline = time.monotonic() + timeout_s
    while (alive := running_postmasters(root)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive


# covers: S-OPS-2
@pytest.mark.slow
def test_run_serves_ready_api_and_worker_then_stops_on_sigterm(data_root: Path) -> None:
    """SIGTERM is what systemd, Docker and Kubernetes send; Ctrl-C (SIGINT) takes the same way out."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli.main", "run"],
        env=embedded_env(data_root / "data", SUBDUB_HTTP_PORT=str(port)),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # embedded server, migrations, API and worker on a loaded machine
        body: dict = {}
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                response = httpx.get(f"{base}/health/ready", timeout=2)
                body = response.json()
                if response.status_code == 200 and "worker alive" in body["checks"]["queue"].get("detail", ""):
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        assert body.get("status") == "ok", body
        assert "worker alive" in body["checks"]["queue"]["detail"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        # the embedded PostgreSQL went with the last process using it
        assert wait_for_no_postmaster(data_root, timeout_s=10) == [], "the embedded PostgreSQL outlived subdub run"
    finally:
        if process.poll() is None:
            process.kill()
    output = process.stdout.read() if process.stdout else ""
    assert "docs http://" in output
    assert "worker.stopped" in output
    assert "api.stopped" in output
