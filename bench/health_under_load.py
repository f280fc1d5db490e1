"""`/health/live` latency with wrk while heavy requests run in the same API process: idle (the baseline,
same run), during ten parallel 5 000-change sync pushes (repeated), during 5 MiB subtitle uploads
(repeated, 20 000 cues each) and during a 300 000-cue `/me/export` (repeated). Target: p99 < 50 ms.

Run: TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/health_under_load.py
Needs `wrk`. One API process (uvicorn + uvloop + httptools, as `subdub serve --workers 1`), so the probes
share the event loop with the heavy requests (the worst case; `serve` defaults to one process per core).
Prints a Markdown section; `BENCH_HEALTH_SECONDS` sets each wrk run (default 10).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api import BASE, start, stop  # noqa: E402
from tests.support.database import migrated_database, postgres_server  # noqa: E402

SECONDS = int(os.environ.get("BENCH_HEALTH_SECONDS", "10"))
PUSHES, CHANGES, EXPORT_CUES, UPLOAD_CUES = 10, 5000, 300_000, 20_000
PASSWORD = "correct horse battery staple"  # noqa: S105 - throwaway accounts, scratch database
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def signed_in(client: httpx.Client) -> dict[str, str]:
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "display_name": "B"})
    token = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}).json()["data"]
    return {"Authorization": f"Bearer {token['access_token']}"}


def new_track(client: httpx.Client, auth: dict[str, str], project_id: str) -> str:
    body = {"language": "en", "label": "bench"}
    return str(client.post(f"/api/v1/projects/{project_id}/tracks", json=body, headers=auth).json()["data"]["id"])


def sync_body(ids: list[str], version: int) -> bytes:
    at = (T0 + timedelta(seconds=version)).isoformat()
    changes = [
        {"id": i, "start_ms": n * 1000, "end_ms": n * 1000 + 900, "text": f"line {n}, take {version}", "updated_at": at}
        for n, i in enumerate(ids)
    ]
    return json.dumps({"changes": changes}).encode()


def big_srt() -> bytes:
    """20 000 cues (the upload cap) of long lines: just under 5 MiB."""

    def ts(ms: int) -> str:
        return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

    line = "A long subtitle line that fills the file up to the upload limit " * 3
    blocks = (f"{i + 1}\n{ts(i * 4000)} --> {ts(i * 4000 + 3000)}\n{line[:200]}\n" for i in range(UPLOAD_CUES))
    return "\n".join(blocks).encode()


def seed(url: str, client: httpx.Client) -> dict[str, object]:
    auth = signed_in(client)
    project = client.post("/api/v1/projects", json={"title": "bench"}, headers=auth).json()["data"]["id"]
    tracks = [new_track(client, auth, project) for _ in range(PUSHES)]
    exporter = signed_in(client)
    mine = client.post("/api/v1/projects", json={"title": "export"}, headers=exporter).json()["data"]["id"]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO cues (id, track_id, start_ms, end_ms, text, change_seq, created_at, updated_at) "
            "SELECT gen_random_uuid(), %s, n * 200, n * 200 + 150, 'line ' || n || ' of a very long film', n, "
            "now(), now() FROM generate_series(1, %s) AS n",
            (new_track(client, exporter, mine), EXPORT_CUES),
        )
    return {"auth": auth, "project": project, "tracks": tracks, "exporter": exporter}


def pushing(seeded: dict[str, object], done: Callable[[], bool], count: list[int]) -> list[threading.Thread]:
    auth = seeded["auth"]
    assert isinstance(auth, dict)

    def run(track: str) -> None:
        ids = [str(uuid.uuid4()) for _ in range(CHANGES)]
        version = 0
        with httpx.Client(base_url=BASE, timeout=300) as client:
            while not done():
                version += 1
                headers = {**auth, "Idempotency-Key": str(uuid.uuid4()), "Content-Type": "application/json"}
                answer = client.post(f"/api/v1/tracks/{track}/sync", content=sync_body(ids, version), headers=headers)
                assert answer.status_code == 200, answer.text[:300]
                count[0] += 1

    tracks = seeded["tracks"]
    assert isinstance(tracks, list)
    return [threading.Thread(target=run, args=(track,)) for track in tracks]


def uploading(seeded: dict[str, object], done: Callable[[], bool], count: list[int]) -> list[threading.Thread]:
    data = big_srt()

    def run() -> None:
        with httpx.Client(base_url=BASE, timeout=300) as client:
            while not done():
                answer = client.post(
                    f"/api/v1/projects/{seeded['project']}/tracks",
                    files={"file": ("big.srt", data, "application/x-subrip")},
                    data={"language": "en"},
                    headers=seeded["auth"],  # type: ignore[arg-type]
                )
                assert answer.status_code == 201, answer.text[:300]
                count[0] += 1

    return [threading.Thread(target=run)]


def exporting(seeded: dict[str, object], done: Callable[[], bool], count: list[int]) -> list[threading.Thread]:
    def run() -> None:
        with httpx.Client(base_url=BASE, timeout=300) as client:
            while not done():
                with client.stream("GET", "/api/v1/me/export", headers=seeded["exporter"]) as answer:  # type: ignore[arg-type]
                    assert answer.status_code == 200
                    for _ in answer.iter_bytes():
                        pass
                count[0] += 1

    return [threading.Thread(target=run)]


def probe() -> dict[str, float]:
    args = ["wrk", "-t1", "-c1", f"-d{SECONDS}s", "--latency", "--timeout", "10s", f"{BASE}/health/live"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout

    def latency(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {"p50": latency("50"), "p99": latency("99"), "requests": requests}


def under(
    load: Callable[..., list[threading.Thread]] | None, seeded: dict[str, object]
) -> tuple[dict[str, float], int]:
    stopping = threading.Event()
    count = [0]
    threads = [] if load is None else load(seeded, stopping.is_set, count)
    for thread in threads:
        thread.start()
    time.sleep(1.5 if threads else 0)  # the heavy requests are under way before the first probe
    figures = probe()
    stopping.set()
    for thread in threads:
        thread.join()
    return figures, count[0]


def main() -> None:
    scenarios: list[tuple[str, Callable[..., list[threading.Thread]] | None, str]] = [
        ("idle (baseline)", None, ""),
        (f"{PUSHES} parallel {CHANGES}-change sync pushes, repeated", pushing, "pushes"),
        (f"5 MiB SRT upload ({UPLOAD_CUES} cues), repeated", uploading, "uploads"),
        (f"/me/export of {EXPORT_CUES} cues (60 MiB), repeated", exporting, "exports"),
        ("idle again", None, ""),
    ]
    rows = []
    with postgres_server() as admin_url, migrated_database(admin_url, "bench_health") as url:
        data_dir = Path(f"/tmp/subdub-bench-health-{os.getpid()}")
        process = start("uvicorn", 1, url, data_dir)
        try:
            with httpx.Client(base_url=BASE, timeout=120) as client:
                seeded = seed(url, client)
            load_before = os.getloadavg()
            for name, load, unit in scenarios:
                figures, done = under(load, seeded)
                work = f"{done} {unit}" if unit else "-"
                rows.append(
                    f"| {name} | {figures['p50']:.2f} | {figures['p99']:.2f} | {figures['requests']} | {work} |"
                )
            load_after = os.getloadavg()
        finally:
            stop(process)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"### Run of {stamp} — load average {load_before[0]:.1f} before, {load_after[0]:.1f} after\n")
    print(f"wrk -t1 -c1 -d{SECONDS}s on `/health/live`, one API process, heavy requests from threads of the bench.\n")
    print("| while | p50 (ms) | p99 (ms) | probes | heavy requests done |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
