"""Render-job benchmarks (issue 6), written to bench/RESULTS.md under "## Render jobs".

Real processes against a scratch database: `subdub serve` and `subdub worker` (espeak-ng), driven over
loopback HTTP. Figures: defer-to-start latency with an idle worker; the same 1 000-cue render through the
API and worker versus `subdub render` in the same run; renders per minute for 50 short tracks with one
and with two worker processes.

Run: TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/jobs.py
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
from _render_support import generate_track, work_root

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.database import migrated_database, postgres_server  # noqa: E402
from tests.support.server import free_port  # noqa: E402

from domain.timing import RenderCue  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
CORES = os.cpu_count() or 1
VOICE = {"engine": "espeak", "name": "en-us"}


def env_for(url: str, data: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "SUBDUB_ENV": "test",
        "DATABASE_URL": url,
        "SUBDUB_DATA_DIR": str(data),
        "SUBDUB_HTTP_PORT": str(port),
        "SUBDUB_JWT_SECRET": "b" * 40,
        "SUBDUB_LOG_LEVEL": "WARNING",
        "SUBDUB_WORKER_POLL_SECONDS": "0.5",
        "SUBDUB_RATE_LIMIT_PER_MINUTE": "100000",
        "SUBDUB_AUTH_RATE_LIMIT_PER_MINUTE": "100000",
        # one user asks for every render here: the per-user shares would measure themselves, not the workers
        "SUBDUB_RENDERS_QUEUED_PER_USER": "1000",
        "SUBDUB_RENDERS_RUNNING_PER_USER": "1000",
    }


@contextmanager
def running(args: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli.main", *args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_live(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the API did not start")


class Api:
    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=60)
        email = f"bench-{time.time_ns()}@example.com"
        password = "correct horse battery staple"  # noqa: S105 - a throwaway bench account
        self.http.post("/api/v1/auth/register", json={"email": email, "password": password, "display_name": "B"})
        token = self.http.post("/api/v1/auth/login", json={"email": email, "password": password}).json()
        self.auth = {"Authorization": f"Bearer {token['data']['access_token']}"}
        self.project = self.http.post("/api/v1/projects", json={"title": "Bench"}, headers=self.auth).json()["data"]

    def track(self, cues: list[RenderCue]) -> str:
        body = {
            "language": "en",
            "cues": [{"start_ms": c.start_ms, "end_ms": c.end_ms, "text": c.text} for c in cues],
        }
        answer = self.http.post(f"/api/v1/projects/{self.project['id']}/tracks", json=body, headers=self.auth)
        answer.raise_for_status()
        return str(answer.json()["data"]["id"])

    def render(self, track_id: str) -> str:
        body = {"voice": VOICE, "format": "wav"}
        answer = self.http.post(f"/api/v1/tracks/{track_id}/renders", json=body, headers=self.auth)
        answer.raise_for_status()
        return str(answer.json()["data"]["id"])

    def wait(self, render_ids: list[str], timeout_s: float = 1800) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout_s
        pending, done = list(render_ids), {}
        while pending:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{len(pending)} renders did not finish")
            for render_id in list(pending):
                render = self.http.get(f"/api/v1/renders/{render_id}", headers=self.auth).json()["data"]
                if render["status"] in ("succeeded", "failed", "cancelled"):
                    if render["status"] != "succeeded":
                        raise RuntimeError(f"render {render_id} {render['status']}: {render['error']}")
                    done[render_id] = render
                    pending.remove(render_id)
            time.sleep(0.05)
        return [done[r] for r in render_ids]


def short_tracks(count: int, seed: int) -> list[list[RenderCue]]:
    return [generate_track(8, 30, seed=seed * 1000 + n) for n in range(count)]


def defer_to_start(url: str, work: Path) -> tuple[float, float, int]:
    port = free_port()
    env = env_for(url, work / "latency", port)
    with running(["serve"], env), running(["worker"], env):
        wait_live(f"http://127.0.0.1:{port}")
        api = Api(f"http://127.0.0.1:{port}")
        track = api.track(generate_track(1, 5, seed=1))
        api.wait([api.render(track)])  # warm-up: engine pool started, clip cached
        renders = []
        for _ in range(30):
            renders.append(api.render(track))
            api.wait([renders[-1]])
            time.sleep(0.3)  # the worker is idle when the next job arrives
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT EXTRACT(EPOCH FROM s.at - d.at) FROM renders r "
            "JOIN procrastinate_events d ON d.job_id = r.job_id AND d.type = 'deferred' "
            "JOIN procrastinate_events s ON s.job_id = r.job_id AND s.type = 'started' "
            "WHERE r.id = ANY(%s::uuid[])",
            (renders,),
        ).fetchall()
    latencies = sorted(float(row[0]) * 1000 for row in rows)
    return statistics.median(latencies), latencies[int(len(latencies) * 0.95) - 1], len(latencies)


def write_srt(cues: list[RenderCue], path: Path) -> None:
    def stamp(ms: int) -> str:
        return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

    blocks = [f"{i}\n{stamp(c.start_ms)} --> {stamp(c.end_ms)}\n{c.text}\n" for i, c in enumerate(cues, 1)]
    path.write_text("\n".join(blocks))


def long_render(url: str, work: Path) -> tuple[float, float, float]:
    """(CLI wall s, API+worker wall s from request to succeeded, worker run s) for the same 1 000-cue track."""
    cues = generate_track(1000, 5400)
    source = work / "long.srt"
    write_srt(cues, source)
    cli_env = {**os.environ, "SUBDUB_DATA_DIR": str(work / "cli"), "SUBDUB_ENV": "test"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "entrypoints.cli.main", "render", str(source), "-o", str(work / "cli.wav")],
        env=cli_env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    cli_s = time.perf_counter() - started
    port = free_port()
    env = env_for(url, work / "api", port)
    with running(["serve"], env), running(["worker"], env):
        wait_live(f"http://127.0.0.1:{port}")
        api = Api(f"http://127.0.0.1:{port}")
        track = api.track(cues)
        started = time.perf_counter()
        (render,) = api.wait([api.render(track)])
        api_s = time.perf_counter() - started
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT EXTRACT(EPOCH FROM finished_at - started_at) FROM renders WHERE id = %s", (render["id"],)
        ).fetchone()
    return cli_s, api_s, float(row[0]) if row else float("nan")


def throughput(url: str, work: Path, workers: int) -> float:
    """Renders per minute for 50 short tracks (8 cues, 30 s, fresh text and a cold clip cache)."""
    port = free_port()
    env = env_for(url, work / f"throughput-{workers}", port)
    with ExitStack() as stack:
        stack.enter_context(running(["serve"], env))
        for _ in range(workers):
            stack.enter_context(running(["worker"], env))
        wait_live(f"http://127.0.0.1:{port}")
        api = Api(f"http://127.0.0.1:{port}")
        tracks = [api.track(cues) for cues in short_tracks(50, seed=workers)]
        time.sleep(3)  # the workers are up and idle
        started = time.perf_counter()
        api.wait([api.render(track) for track in tracks])
        elapsed = time.perf_counter() - started
    return 50 / elapsed * 60


NOTES = """
Notes. Scratch database and folders (`bench/out/`); every process is real: `subdub serve`
(uvicorn) and `subdub worker` (procrastinate, espeak-ng engine pool sized to the cores), driven
over loopback HTTP by this script. Defer-to-start: from the job's `deferred` event (written in the
request's transaction) to its `started` event, with the worker idle between jobs. The long render
compares wall times of the same 1 000-cue track: `subdub render` as a user runs it (process start,
imports and engine pool included) against request → `succeeded` through the API and one worker
that is already running (the worker's own run time in brackets). Short tracks: 50 renders of 8
cues, all requested at once, fresh texts (cold clip cache); each worker takes as many jobs at
once as the machine has cores.
"""


def write_section(rows: list[tuple[str, str, str]], load: tuple[float, float]) -> None:
    heading = "## Render jobs"
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        f"Measured {stamp} by `bench/jobs.py` ({CORES} cores, 1-min load average {load[0]:.1f} before and "
        f"{load[1]:.1f} after; espeak-ng, WAV 24 kHz).",
        "",
        "| figure | result | target / baseline |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
        *NOTES.rstrip().splitlines(),
    ]
    existing = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"{re.escape(heading)}\n.*?(?=\n## |\Z)", re.S)
    section = f"{heading}\n" + "\n".join(lines) + "\n"
    updated = pattern.sub(section, existing) if pattern.search(existing) else existing.rstrip() + "\n\n" + section
    RESULTS.write_text(updated)


def main() -> None:
    """`python bench/jobs.py [latency] [long] [throughput]` (all three by default)."""
    parts = set(sys.argv[1:]) or {"latency", "long", "throughput"}
    rows: list[tuple[str, str, str]] = []
    load_before = os.getloadavg()[0]
    with (
        postgres_server() as admin,
        migrated_database(admin, "benchjobs") as url,
        tempfile.TemporaryDirectory(dir=work_root()) as tmp,
    ):
        work = Path(tmp)
        if "latency" in parts:
            rows += latency_rows(url, work)
        if "long" in parts:
            rows += long_rows(url, work)
        if "throughput" in parts:
            rows += throughput_rows(url, work)
    for row in rows:
        print(" | ".join(row), flush=True)
    write_section(rows, (load_before, os.getloadavg()[0]))


def latency_rows(url: str, work: Path) -> list[tuple[str, str, str]]:
    p50, p95, n = defer_to_start(url, work)
    return [
        (
            "defer-to-start latency, idle worker (LISTEN/NOTIFY wake-up)",
            f"p50 {p50:.0f} ms, p95 {p95:.0f} ms ({n} jobs)",
            "—",
        )
    ]


def long_rows(url: str, work: Path) -> list[tuple[str, str, str]]:
    cli_s, api_s, run_s = long_render(url, work)
    return [
        ("1 000-cue, 90-min track: `subdub render` (baseline, same run)", f"{cli_s:.1f} s", "baseline"),
        (
            "same track through the API and one worker (request → succeeded)",
            f"{api_s:.1f} s (worker run {run_s:.1f} s)",
            "—",
        ),
        ("API + worker throughput relative to the CLI", f"{cli_s / api_s * 100:.0f} %", "≥ 90 %"),
    ]


def throughput_rows(url: str, work: Path) -> list[tuple[str, str, str]]:
    rows = []
    for workers in (1, 2):
        label = f"50 short tracks (8 cues, 30 s), {workers} worker process{'es' if workers > 1 else ''}"
        rows.append((label, f"{throughput(url, work, workers):.0f} renders/min", "—"))
    return rows


if __name__ == "__main__":
    main()
