"""API throughput: the authenticated 200-cue page against a bare route selecting the same 200 rows
through the same pool, measured with wrk (a C client that does not saturate before the server), for
uvicorn (uvloop + httptools) and granian, with one process and with one per core.

Run: TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/api.py
Needs `wrk` (apt-get install wrk) and, for the granian rows, `granian` in the environment (not a
dependency: the faster server is the one `subdub serve` uses). Prints a Markdown section.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.database import migrated_database, postgres_server  # noqa: E402

PORT = 8766
BASE = f"http://127.0.0.1:{PORT}"
CONNECTIONS = 64
SECONDS = int(os.environ.get("BENCH_API_SECONDS", "8"))
POOL = "10"  # DATABASE_POOL_MIN = MAX in every process, for both routes


def srt(count: int) -> bytes:
    def ts(ms: int) -> str:
        return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

    return "\n".join(
        f"{i + 1}\n{ts(i * 2000)} --> {ts(i * 2000 + 1500)}\nLine number {i}\n" for i in range(count)
    ).encode()


def start(server: str, workers: int, database_url: str, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SUBDUB_ENV": "test",
        "DATABASE_URL": database_url,
        "SUBDUB_DATA_DIR": str(data_dir),
        "SUBDUB_HTTP_PORT": str(PORT),
        "SUBDUB_LOG_LEVEL": "WARNING",
        "SUBDUB_LOG_FORMAT": "json",
        "SUBDUB_RATE_LIMIT_PER_MINUTE": "100000000",
        "SUBDUB_JWT_SECRET": "b" * 48,
        "DATABASE_POOL_MIN": POOL,
        "DATABASE_POOL_MAX": POOL,
        "DAILYMOTION_ENABLED": "false",
    }
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "_api_server.py"), server, str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{BASE}/health/live", timeout=2).status_code == 200:
                time.sleep(2.0 * workers)  # let every process finish its start-up
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"{server} did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def seed(database_url: str, data_dir: Path) -> tuple[str, str]:
    """A user, a project and a 1 000-cue track; returns the track id and an access token."""
    process = start("uvicorn", 1, database_url, data_dir)
    try:
        with httpx.Client(base_url=BASE, timeout=60) as client:
            email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
            password = "correct horse battery staple"  # noqa: S105 - throwaway account, scratch database
            client.post("/api/v1/auth/register", json={"email": email, "password": password, "display_name": "B"})
            token = client.post("/api/v1/auth/login", json={"email": email, "password": password}).json()["data"][
                "access_token"
            ]
            auth = {"Authorization": f"Bearer {token}"}
            project = client.post("/api/v1/projects", json={"title": "bench"}, headers=auth).json()["data"]
            track = client.post(
                f"/api/v1/projects/{project['id']}/tracks",
                files={"file": ("t.srt", srt(1000), "application/x-subrip")},
                data={"language": "en"},
                headers=auth,
            ).json()["data"]
        return track["id"], token
    finally:
        stop(process)


def wrk(path: str, headers: dict[str, str]) -> dict[str, float]:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, BASE + path], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)

    def latency(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {
        "rps": rps,
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": float(errors.group(1)) if errors else 0.0,
        "socket_errors": 1.0 if socket_errors else 0.0,
    }


def cpu_per_request(database_url: str, data_dir: Path, track_id: str, token: str) -> dict[str, list[float]]:
    env = {
        **os.environ,
        "SUBDUB_ENV": "test",
        "DATABASE_URL": database_url,
        "SUBDUB_DATA_DIR": str(data_dir),
        "SUBDUB_LOG_LEVEL": "WARNING",
        "SUBDUB_LOG_FORMAT": "json",
        "SUBDUB_RATE_LIMIT_PER_MINUTE": "100000000",
        "SUBDUB_JWT_SECRET": "b" * 48,
        "DATABASE_POOL_MIN": POOL,
        "DATABASE_POOL_MAX": POOL,
        "DAILYMOTION_ENABLED": "false",
    }
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "_api_server.py"), "cpu", track_id, token],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    cores = os.cpu_count() or 1
    servers = ["uvicorn"]
    try:
        import granian  # noqa: F401

        servers.append("granian")
    except ImportError:
        pass
    rows: list[str] = []
    with postgres_server() as admin_url, migrated_database(admin_url, "bench_api") as url:
        data_dir = Path(f"/tmp/subdub-bench-api-{os.getpid()}")
        track_id, token = seed(url, data_dir)
        page = f"/api/v1/tracks/{track_id}/cues?limit=200"
        bare = f"/bench/bare/{track_id}"
        auth = {"Authorization": f"Bearer {token}"}
        cpu = cpu_per_request(url, data_dir, track_id, token)
        for server in servers:
            for workers in sorted({1, cores}):
                process = start(server, workers, url, data_dir)
                try:
                    wrk(page, auth)  # warm-up: pools filled, caches primed
                    runs: dict[str, list[dict[str, float]]] = {"bare": [], "page": []}
                    for _ in range(2):  # interleaved, so load from elsewhere hits both
                        runs["bare"].append(wrk(bare, {}))
                        runs["page"].append(wrk(page, auth))
                finally:
                    stop(process)
                rows.append(row(server, workers, runs))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"### Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {cores} cores, load average after {load}")
    print()
    print(
        f"wrk -t2 -c{CONNECTIONS} -d{SECONDS}s, two interleaved rounds per route (bare, page, bare, page); "
        f"pool {POOL} connections per process for both routes; figures are the mean of the two rounds."
    )
    print()
    print(
        "| server | processes | bare route req/s (p50 / p99 ms) | cue page req/s [rounds] (p50 / p99 ms) "
        "| page / bare | p99 page / bare |"
    )
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    bare_ms, page_ms = (sum(cpu[k]) / len(cpu[k]) for k in ("bare", "page"))
    print(
        f"CPU per request, the app called in-process (300 sequential requests a round, two rounds, client "
        f"included alike): bare route {' / '.join(f'{v:.2f}' for v in cpu['bare'])} ms, cue page "
        f"{' / '.join(f'{v:.2f}' for v in cpu['page'])} ms — the page costs {page_ms / bare_ms:.2f} × the bare "
        f"route's CPU, i.e. a saturated process serves it at {100 * bare_ms / page_ms:.0f} % of the bare rate."
    )


def row(server: str, workers: int, runs: dict[str, list[dict[str, float]]]) -> str:
    def mean(kind: str, key: str) -> float:
        return sum(r[key] for r in runs[kind]) / len(runs[kind])

    bare_rps, page_rps = mean("bare", "rps"), mean("page", "rps")
    errors = sum(r["errors"] + r["socket_errors"] for kind in runs for r in runs[kind])
    note = f" ({errors:.0f} errors)" if errors else ""
    each = " / ".join(f"{r['rps']:.0f}" for r in runs["page"])
    return (
        f"| {server} | {workers} | {bare_rps:.0f} ({mean('bare', 'p50'):.0f} / {mean('bare', 'p99'):.0f}) "
        f"| {page_rps:.0f} [{each}] ({mean('page', 'p50'):.0f} / {mean('page', 'p99'):.0f}){note} "
        f"| {100 * page_rps / bare_rps:.0f} % | {mean('page', 'p99') / mean('bare', 'p99'):.2f} × |"
    )


if __name__ == "__main__":
    main()
