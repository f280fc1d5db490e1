"""Scale-out on one machine: two API servers (one of them `serve --workers 2`: two processes on one
socket) and two workers, each with its own data directory, sharing one PostgreSQL and one S3 server
(moto). A render requested on API 1 is executed by a worker and downloaded, whole and by range, from
API 2; nothing is written to any process's local blob directory; SIGTERM stops every API process cleanly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.s3 import ACCESS_KEY, SECRET_KEY, new_bucket, object_keys
from tests.support.server import free_port

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
SRT = b"""1
00:00:00,500 --> 00:00:02,500
Two machines, one bucket.

2
00:00:03,000 --> 00:00:05,000
Rendered anywhere, served everywhere.
"""


@contextmanager
def subdub(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli.main", *args], env=env, cwd=ROOT, stdout=out, stderr=out
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()  # graceful: the worker's speech process pool goes with it
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        proc.wait(timeout=30)


def wait_live(base: str, proc: subprocess.Popen[bytes], log: Path, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            if httpx.get(f"{base}/health/live", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base} never became live: {log.read_text()[-3000:]}")


def local_renders(data_dirs: list[Path]) -> list[Path]:
    return [p for d in data_dirs for p in (d / "blobs" / "renders").rglob("*") if p.is_file()]


# covers: S-OPS-2, S-OPS-3, S-JOB-1
def test_render_requested_on_one_api_is_downloaded_from_the_other(
    clean_database: str, tmp_path: Path, s3_endpoint: str
) -> None:
    bucket = new_bucket(s3_endpoint)
    common = {
        **os.environ,
        "SUBDUB_ENV": "test",
        "DATABASE_URL": clean_database,
        "DATABASE_POOL_MIN": "1",
        "DATABASE_POOL_MAX": "3",
        "SUBDUB_JWT_SECRET": "m" * 40,
        "SUBDUB_LOG_FORMAT": "json",
        "DAILYMOTION_ENABLED": "false",
        "SUBDUB_BLOB_URL": f"s3://{bucket}/subdub",
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": s3_endpoint,
        "SUBDUB_WORKER_CONCURRENCY": "1",
        "SUBDUB_WORKER_POLL_SECONDS": "0.5",
        "SUBDUB_RENDER_HEARTBEAT_SECONDS": "0.5",
        "SUBDUB_JOB_RETENTION_DAYS": "0",
        "SUBDUB_SHUTDOWN_GRACE_SECONDS": "5",
    }
    ports = [free_port(), free_port()]
    data = [tmp_path / name for name in ("api1", "api2", "worker1", "worker2")]

    def env(index: int, **extra: str) -> dict[str, str]:
        return {**common, "SUBDUB_DATA_DIR": str(data[index]), **extra}

    logs = [tmp_path / f"{d.name}.log" for d in data]
    with ExitStack() as stack:
        api1 = stack.enter_context(subdub(["serve", "--workers", "1"], env(0, SUBDUB_HTTP_PORT=str(ports[0])), logs[0]))
        api2 = stack.enter_context(subdub(["serve", "--workers", "2"], env(1, SUBDUB_HTTP_PORT=str(ports[1])), logs[1]))
        for index in (2, 3):
            stack.enter_context(subdub(["worker"], env(index), logs[index]))
        one, two = (f"http://127.0.0.1:{port}" for port in ports)
        wait_live(one, api1, logs[0])
        wait_live(two, api2, logs[1])

        with httpx.Client(base_url=one, timeout=30) as first, httpx.Client(base_url=two, timeout=30) as second:
            account = {"email": "scale@example.com", "password": "correct horse battery staple", "display_name": "S"}
            assert first.post("/api/v1/auth/register", json=account).status_code == 201
            login = second.post("/api/v1/auth/login", json={k: account[k] for k in ("email", "password")})
            auth = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}  # issued by API 2
            project = first.post("/api/v1/projects", json={"title": "Scale"}, headers=auth).json()["data"]
            track = first.post(
                f"/api/v1/projects/{project['id']}/tracks",
                data={"language": "en"},
                files={"file": ("scale.srt", SRT, "application/x-subrip")},
                headers=auth,
            ).json()["data"]
            asked = first.post(
                f"/api/v1/tracks/{track['id']}/renders",
                json={"voice": {"engine": "espeak", "name": "en-us"}, "format": "wav"},
                headers=auth,
            )
            assert asked.status_code == 202, asked.text
            location = asked.headers["location"]

            deadline = time.monotonic() + 240
            render = second.get(location, headers=auth).json()["data"]
            while render["status"] in ("queued", "running") and time.monotonic() < deadline:
                time.sleep(0.5)
                render = second.get(location, headers=auth).json()["data"]
            assert render["status"] == "succeeded", (render, logs[2].read_text()[-2000:], logs[3].read_text()[-2000:])

            whole = second.get(f"{location}/audio", headers=auth)
            assert whole.status_code == 200 and whole.content[:4] == b"RIFF"
            assert len(whole.content) == render["size_bytes"]
            part = second.get(f"{location}/audio", headers={**auth, "Range": "bytes=1000-4999"})
            assert part.status_code == 206 and part.content == whole.content[1000:5000]
            assert part.headers["content-range"] == f"bytes 1000-4999/{len(whole.content)}"
            again = first.get(f"{location}/audio", headers={**auth, "Range": "bytes=-16"})
            assert again.status_code == 206 and again.content == whole.content[-16:]
            for base in (one, two):
                ready = httpx.get(f"{base}/health/ready", timeout=10).json()
                assert ready["checks"]["storage"]["status"] == "ok"

        assert f"subdub/renders/{render['id']}.wav" in object_keys(s3_endpoint, bucket)
        assert local_renders(data) == []  # every artifact went to the bucket, none to a local disk
        executed_by = [log.name for log in logs[2:] if render["id"] in log.read_text()]
        assert executed_by, "no worker logged the render"

        # SIGTERM to the parent of the two API processes: both finish and the parent exits cleanly.
        api2.send_signal(signal.SIGTERM)
        assert api2.wait(timeout=60) in (0, -signal.SIGTERM)
        stopped = logs[1].read_text()
        assert stopped.count('"api.stopped"') == 2, stopped[-2000:]
