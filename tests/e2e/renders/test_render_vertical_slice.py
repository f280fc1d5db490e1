"""The vertical slice over HTTP with real processes: `subdub serve` and `subdub worker` (real espeak-ng).

register → project → upload an SRT → render → watch the SSE stream → download (full and by range) →
the audio decodes and its speech starts within 10 ms of each cue's start.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import pytest
import soundfile

from tests.e2e.test_graceful_shutdown import wait_until_live
from tests.support.server import free_port

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]
ONSET_THRESHOLD = 10 ** (-45 / 20)
CUE_STARTS_MS = (500, 3500, 6500, 9500)
SRT = "\n".join(
    f"{i + 1}\n00:00:{start // 1000:02d},{start % 1000:03d} --> 00:00:{(start + 2000) // 1000:02d},"
    f"{(start + 2000) % 1000:03d}\n{text}\n"
    for i, (start, text) in enumerate(
        zip(CUE_STARTS_MS, ("Hello there.", "This is a test.", "Speech follows the cues.", "Goodbye now."), strict=True)
    )
)


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli.main", *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def sse_events(response: httpx.Response) -> list[tuple[str, dict[str, object]]]:
    events, name, data = [], None, []
    for line in response.iter_lines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            data.append(line.split(":", 1)[1].strip())
        elif not line and name:
            events.append((name, json.loads("\n".join(data))))
            name, data = None, []
    return events


# covers: S-JOB-1, S-JOB-3, S-JOB-4
def test_register_upload_render_watch_download(clean_database: str, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "SUBDUB_ENV": "test",
        "DATABASE_URL": clean_database,
        "SUBDUB_HTTP_PORT": str(port),
        "SUBDUB_DATA_DIR": str(tmp_path / "data"),
        "SUBDUB_JWT_SECRET": "e" * 40,
        "SUBDUB_LOG_FORMAT": "json",
        "SUBDUB_WORKER_CONCURRENCY": "1",
        "SUBDUB_RENDER_HEARTBEAT_SECONDS": "0.5",
        "SUBDUB_HTTP_WORKERS": "1",  # one API process (tests/e2e/test_scale_out.py runs several)
    }
    base = f"http://127.0.0.1:{port}"
    with process(["serve"], env, tmp_path / "api.log") as api, process(["worker"], env, tmp_path / "worker.log"):
        wait_until_live(base, api)
        with httpx.Client(base_url=base, timeout=30) as http:
            account = {"email": "slice@example.com", "password": "correct horse battery staple", "display_name": "S"}
            assert http.post("/api/v1/auth/register", json=account).status_code == 201
            login = http.post("/api/v1/auth/login", json={"email": account["email"], "password": account["password"]})
            auth = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
            project = http.post("/api/v1/projects", json={"title": "Slice"}, headers=auth).json()["data"]
            upload = http.post(
                f"/api/v1/projects/{project['id']}/tracks",
                data={"language": "en"},
                files={"file": ("slice.srt", SRT.encode(), "application/x-subrip")},
                headers=auth,
            )
            assert upload.status_code == 201, upload.text
            track = upload.json()["data"]

            body = {"voice": {"engine": "espeak", "name": "en-us"}, "format": "wav", "sample_rate": 24000}
            asked = http.post(
                f"/api/v1/tracks/{track['id']}/renders", json=body, headers={**auth, "Idempotency-Key": "slice-1"}
            )
            assert asked.status_code == 202, asked.text
            location = asked.headers["location"]

            with http.stream("GET", f"{location}/events", headers=auth, timeout=120) as stream:
                assert stream.headers["content-type"].startswith("text/event-stream")
                events = sse_events(stream)
            names = [name for name, _ in events]
            assert names[-1] == "done" and "progress" in names, names
            percents = [float(data["progress"]["percent"]) for name, data in events if name == "progress"]  # type: ignore[index]
            assert percents == sorted(percents)
            with http.stream("GET", f"{location}/events", headers=auth, timeout=10) as late:
                assert [name for name, _ in sse_events(late)] == ["done"]  # after the end: the final event at once

            render = http.get(location, headers=auth).json()["data"]
            assert render["status"] == "succeeded" and render["progress"]["percent"] == 100.0
            assert render["stats"]["cues"] == 4 and render["heartbeat_at"] and render["finished_at"]

            full = http.get(f"{location}/audio", headers=auth)
            assert full.status_code == 200
            assert full.headers["content-type"] == "audio/wav"
            assert int(full.headers["content-length"]) == len(full.content) == render["size_bytes"]
            assert full.headers["accept-ranges"] == "bytes" and full.headers["etag"]
            assert "attachment" in full.headers["content-disposition"]
            part = http.get(f"{location}/audio", headers={**auth, "Range": "bytes=100-1123"})
            assert part.status_code == 206 and part.content == full.content[100:1124]
            assert part.headers["content-range"] == f"bytes 100-1123/{len(full.content)}"
            tail = http.get(f"{location}/audio", headers={**auth, "Range": "bytes=-10"})
            assert tail.status_code == 206 and tail.content == full.content[-10:]
            beyond = http.get(f"{location}/audio", headers={**auth, "Range": f"bytes={len(full.content)}-"})
            assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{len(full.content)}"

            replay = http.post(
                f"/api/v1/tracks/{track['id']}/renders", json=body, headers={**auth, "Idempotency-Key": "slice-1"}
            )
            assert replay.json()["data"]["id"] == render["id"]

    audio, rate = soundfile.read(io.BytesIO(full.content), dtype="float32")
    assert rate == 24000 and np.max(np.abs(audio)) > 0.1
    for start_ms in CUE_STARTS_MS:
        start = start_ms * rate // 1000
        window = np.abs(audio[max(0, start - rate // 20) : start + rate // 5])
        onset = max(0, start - rate // 20) + int(np.flatnonzero(window > ONSET_THRESHOLD)[0])
        assert abs(onset - start) * 1000 / rate <= 10, (start_ms, (onset - start) * 1000 / rate)
    worker_log = [
        json.loads(line) for line in (tmp_path / "worker.log").read_text().splitlines() if line.startswith("{")
    ]
    # The render's job lines (the worker may also run its periodic video sweep, caused by no request).
    job_lines = [
        line
        for line in worker_log
        if line.get("event") in ("job.started", "job.finished") and line.get("task") == "subdub:render"
    ]
    assert {line["event"] for line in job_lines} == {"job.started", "job.finished"}
    assert all(line.get("trace_id") == render["trace_id"] for line in job_lines) and render["trace_id"]
