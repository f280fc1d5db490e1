"""Subtitles benchmark: import, sync push, cue page latency and HTTP throughput against a bare route.

Run: TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/subtitles.py
(`bench/subtitles.py parse`: parse times of 5 MiB SRT/WebVTT/ASS files against `srt` and pysubs2, no database;
see bench/subtitle_parsing.py)
(without it: testcontainers or the embedded server, as the tests do). It creates a scratch database,
serves the real app with uvicorn in a child process (one worker), drives it over loopback HTTP,
prints a Markdown section for bench/RESULTS.md and drops the database.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.database import migrated_database, postgres_server  # noqa: E402

from adapters.subtitles.codec import IsolatedSubtitleCodec  # noqa: E402

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
CONNECTIONS = 64
LOAD_SECONDS = 6.0
BARE_SQL = (
    "SELECT id, start_ms, end_ms, text, updated_at FROM cues "
    "WHERE track_id = %s AND deleted_at IS NULL ORDER BY start_ms, id LIMIT 200"
)


def srt_with(count: int) -> bytes:
    def ts(ms: int) -> str:
        return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

    blocks = [
        f"{i + 1}\n{ts(i * 2000)} --> {ts(i * 2000 + 1500)}\nLine number {i}\nsecond line ütf-8\n" for i in range(count)
    ]
    return "\n".join(blocks).encode()


def serve(database_url: str) -> None:
    """The child process: the real app plus one bare route on the same pool (its logs are silenced)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    import msgspec
    import uvicorn
    from litestar import get

    from entrypoints.http.app import create_app
    from entrypoints.settings import load_settings
    from entrypoints.wiring import build_container

    env = {
        **os.environ,
        "SUBDUB_ENV": "test",
        "SUBDUB_LOG_LEVEL": "WARNING",
        "SUBDUB_RATE_LIMIT_PER_MINUTE": "100000000",
        "SUBDUB_JWT_SECRET": "b" * 48,
        "DATABASE_POOL_MIN": "10",
        "DATABASE_POOL_MAX": "10",
    }
    container = build_container(load_settings(env), database_url)
    pool = container.core.pool()

    @get("/bench/bare/{track_id:uuid}", media_type="application/json", include_in_schema=False)
    async def bare(track_id: uuid.UUID) -> bytes:
        async with pool.connection() as conn:
            cur = await conn.execute(BARE_SQL, (track_id,))
            rows = await cur.fetchall()
        keys = ("id", "start_ms", "end_ms", "text", "updated_at")
        return msgspec.json.encode({"data": [dict(zip(keys, r, strict=True)) for r in rows]})

    app = create_app(container)
    app.register(bare)
    uvicorn.run(app, host="127.0.0.1", port=PORT, log_level="warning", access_log=False)


async def wait_until_up(client: httpx.AsyncClient) -> None:
    for _ in range(100):
        try:
            if (await client.get("/health/live")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the server did not start")


async def load(path: str, headers: dict[str, str]) -> tuple[float, int]:
    """Requests per second over keep-alive connections (raw HTTP/1.1, so the client stays light)."""
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode()
    done = 0
    errors = 0
    deadline = time.perf_counter() + LOAD_SECONDS

    async def worker() -> None:
        nonlocal done, errors
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        while time.perf_counter() < deadline:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            if head.startswith(b"HTTP/1.1 200"):
                done += 1
            else:
                errors += 1
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    return done / (time.perf_counter() - started), errors


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def server_times(database_url: str, path: str, headers: dict[str, str], count: int = 300) -> list[float]:
    """Milliseconds the app itself spends per request: called as an ASGI app in this process, no socket."""
    from entrypoints.http.app import create_app
    from entrypoints.settings import load_settings
    from entrypoints.wiring import build_container

    env = {
        **os.environ,
        "SUBDUB_ENV": "test",
        "SUBDUB_RATE_LIMIT_PER_MINUTE": "100000000",
        "SUBDUB_JWT_SECRET": "b" * 48,
    }
    container = build_container(load_settings(env), database_url)
    app = create_app(container)
    pool = container.core.pool()
    await pool.open(wait=True)
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", PORT),
    }
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    timings: list[float] = []
    try:
        for n in range(count + 20):
            started = time.perf_counter()
            await app({**scope, "state": {}}, receive, send)  # type: ignore[arg-type]
            if n >= 20:  # warm-up first
                timings.append((time.perf_counter() - started) * 1000)
    finally:
        await pool.close()
    assert set(statuses) == {200}, statuses[:5]
    return timings


def plans(database_url: str, track_id: str, user_id: str) -> list[str]:
    """EXPLAIN ANALYZE of the hot queries on the benchmark's data (S-DB-5)."""
    import psycopg
    from psycopg import ClientCursor

    from adapters.postgres.repositories.cues import CHANGES, PAGE_WITH_ROLE

    first = {"track_id": track_id, "user_id": user_id, "start_ms": -1, "id": str(uuid.UUID(int=0)), "limit": 201}
    lines: list[str] = []
    with psycopg.connect(database_url, autocommit=True) as conn, ClientCursor(conn) as cur:
        cur.execute("ANALYZE cues")
        for title, query, params in (
            ("cue page (role + first 200 cues)", PAGE_WITH_ROLE, first),
            ("changes feed (after change 9 000)", CHANGES, {"track_id": track_id, "after": 9000, "limit": 1001}),
        ):
            cur.execute("EXPLAIN (ANALYZE, COSTS OFF) " + query, params)
            lines += ["", f"`EXPLAIN ANALYZE` — {title}:", "```", *(row[0] for row in cur.fetchall()), "```"]
    return lines


async def drive(database_url: str) -> list[str]:
    lines: list[str] = []
    codec = IsolatedSubtitleCodec()
    srt = srt_with(10_000)
    started = time.perf_counter()
    parsed = codec.parse_sync(srt)
    parse_ms = (time.perf_counter() - started) * 1000
    assert len(parsed.cues) == 10_000

    async with httpx.AsyncClient(base_url=BASE, timeout=60) as client:
        await wait_until_up(client)
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        password = "correct horse battery staple"  # noqa: S105 - a throwaway account in a scratch database
        user = await client.post(
            "/api/v1/auth/register", json={"email": email, "password": password, "display_name": "Bench"}
        )
        user_id = user.json()["data"]["id"]
        tokens = (await client.post("/api/v1/auth/login", json={"email": email, "password": password})).json()["data"]
        auth = {"Authorization": f"Bearer {tokens['access_token']}"}
        project = (await client.post("/api/v1/projects", json={"title": "bench"}, headers=auth)).json()["data"]

        started = time.perf_counter()
        upload = await client.post(
            f"/api/v1/projects/{project['id']}/tracks",
            files={"file": ("big.srt", srt, "application/x-subrip")},
            data={"language": "en"},
            headers=auth,
        )
        import_ms = (time.perf_counter() - started) * 1000
        assert upload.status_code == 201, upload.text
        track_id = upload.json()["data"]["id"]

        base = datetime(2026, 1, 1, tzinfo=UTC)
        page = (await client.get(f"/api/v1/tracks/{track_id}/cues?limit=200", headers=auth)).json()["data"]
        changes = [
            {
                "id": str(uuid.uuid4()),
                "start_ms": n * 10,
                "end_ms": n * 10 + 5,
                "text": f"offline {n}",
                "updated_at": (base + timedelta(milliseconds=n)).isoformat(),
            }
            for n in range(5000 - len(page))
        ] + [{"id": c["id"], "text": "edited offline", "updated_at": datetime.now(UTC).isoformat()} for c in page]
        started = time.perf_counter()
        pushed = await client.post(
            f"/api/v1/tracks/{track_id}/sync", json={"changes": changes}, headers=auth | {"Idempotency-Key": "bench"}
        )
        sync_ms = (time.perf_counter() - started) * 1000
        assert pushed.status_code == 200, pushed.text[:300]
        assert len(pushed.json()["data"]["applied"]) == 5000

        page_url = f"/api/v1/tracks/{track_id}/cues?limit=200"
        for _ in range(20):
            await client.get(page_url, headers=auth)
        timings = []
        for _ in range(300):
            started = time.perf_counter()
            response = await client.get(page_url, headers=auth)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            assert len(response.json()["data"]) == 200

    server = await server_times(database_url, page_url, auth)
    bare_runs: list[tuple[float, int]] = []
    page_runs: list[tuple[float, int]] = []
    for _ in range(2):  # interleaved, so a burst of load from elsewhere hits both
        bare_runs.append(await load(f"/bench/bare/{track_id}", {}))
        page_runs.append(await load(page_url, auth))
    bare_rps = statistics.mean(r for r, _ in bare_runs)
    page_rps = statistics.mean(r for r, _ in page_runs)
    bare_errors = sum(e for _, e in bare_runs)
    page_errors = sum(e for _, e in page_runs)
    lines += [
        "| figure | value | target |",
        "|---|---|---|",
        f"| parse a 10 000-cue SRT (codec only) | {parse_ms:.0f} ms | |",
        f"| import a 10 000-cue SRT (HTTP upload → 201, parse + 10 000 rows) | {import_ms:.0f} ms | |",
        f"| one sync push of 5 000 changes (4 800 new + 200 edits, HTTP round trip) | {sync_ms:.0f} ms | ≤ 1 000 ms |",
        f"| 200-cue page, server time p50 / p95 (300 requests into the ASGI app, no socket) | "
        f"{statistics.median(server):.1f} / {percentile(server, 95):.1f} ms | p95 ≤ 20 ms |",
        f"| 200-cue page over loopback HTTP, p50 / p95 (300 sequential requests) | {statistics.median(timings):.1f} / "
        f"{percentile(timings, 95):.1f} ms | |",
        f"| bare Litestar route, one SELECT of 200 rows, {CONNECTIONS} connections | {bare_rps:.0f} req/s "
        f"(runs {' / '.join(f'{r:.0f}' for r, _ in bare_runs)}; {bare_errors} errors) | baseline |",
        f"| authenticated cue page (200 cues), {CONNECTIONS} connections | {page_rps:.0f} req/s "
        f"(runs {' / '.join(f'{r:.0f}' for r, _ in page_runs)}; {page_errors} errors) "
        f"= {100 * page_rps / bare_rps:.0f} % of bare | ≥ 60 % |",
    ]
    return lines + plans(database_url, track_id, user_id)


def main() -> None:
    with postgres_server() as admin_url, migrated_database(admin_url, "bench") as url:
        server = multiprocessing.get_context("spawn").Process(target=serve, args=(url,), daemon=True)
        server.start()
        try:
            lines = asyncio.run(drive(url))
        finally:
            server.terminate()
            server.join(10)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"### Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {os.cpu_count()} cores, load average {load}")
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    if sys.argv[1:] == ["parse"]:
        from bench.subtitle_parsing import main as parse_main

        parse_main()
    else:
        main()
