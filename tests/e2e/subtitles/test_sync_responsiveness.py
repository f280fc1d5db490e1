"""`/health/live` stays fast while ten 5 000-change sync pushes run at once: their validation runs off the
event loop and their rows travel to PostgreSQL as one JSON document (no per-value work on the loop)."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.server import free_port, serve_subdub, until_live
from tests.support.subtitles import Person, new_project, new_track, person

ROOT = Path(__file__).resolve().parents[3]
PUSHES = 10
CHANGES = 5000
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def changes(ids: list[str], version: int) -> list[dict[str, Any]]:
    at = (T0 + timedelta(seconds=version)).isoformat()
    return [
        {
            "id": cue_id,
            "start_ms": n * 1000,
            "end_ms": n * 1000 + 900,
            "text": f"line {n}, take {version}",
            "updated_at": at,
        }
        for n, cue_id in enumerate(ids)
    ]


def body(ids: list[str], version: int) -> bytes:
    """Encoded before the probes start: encoding in the test's own loop would delay its probes."""
    return json.dumps({"changes": changes(ids, version)}).encode()


async def push(client: httpx.AsyncClient, who: Person, track_id: str, content: bytes) -> httpx.Response:
    headers = {**who.headers, "Idempotency-Key": str(uuid.uuid4()), "Content-Type": "application/json"}
    return await client.post(f"/api/v1/tracks/{track_id}/sync", content=content, headers=headers)


async def probe(client: httpx.AsyncClient, until: asyncio.Future[Any]) -> list[float]:
    latencies: list[float] = []
    while not until.done():
        started = time.perf_counter()
        answer = await client.get("/health/live")
        latencies.append(time.perf_counter() - started)
        assert answer.status_code == 200
        await asyncio.sleep(0.005)
    return latencies


@pytest.mark.slow
async def test_health_stays_fast_during_ten_big_sync_pushes(clean_database: str, tmp_path: Path) -> None:
    port = free_port()
    server = serve_subdub(clean_database, tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    try:
        async with (
            httpx.AsyncClient(base_url=base, timeout=300) as client,
            httpx.AsyncClient(base_url=base, timeout=300) as prober,
        ):
            await until_live(client, server)
            owner = await person(client)  # type: ignore[arg-type]  # the same calls as the test client
            project = await new_project(client, owner)  # type: ignore[arg-type]
            tracks = [(await new_track(client, project["id"], owner))["id"] for _ in range(PUSHES)]  # type: ignore[arg-type]
            ids = [[str(uuid.uuid4()) for _ in range(CHANGES)] for _ in tracks]
            idle = await probe(prober, asyncio.ensure_future(asyncio.sleep(2)))
            latencies: list[float] = []
            for version in (1, 2):  # 50 000 new cues, then 50 000 edits of them
                bodies = [body(mine, version) for mine in ids]
                wave = asyncio.gather(*(push(client, owner, t, b) for t, b in zip(tracks, bodies, strict=True)))
                latencies += await probe(prober, wave)
                assert all(answer.status_code == 200 for answer in await wave)
                assert all(len(answer.json()["data"]["applied"]) == CHANGES for answer in await wave)
    finally:
        server.terminate()
        server.wait(timeout=20)
    p99, idle_p99 = (statistics.quantiles(values, n=100)[98] for values in (latencies, idle))
    print(f"{len(latencies)} probes: p99 {p99 * 1000:.1f} ms during the pushes, {idle_p99 * 1000:.1f} ms idle")
    if idle_p99 >= 0.025:  # idle probes already take half the budget: this host cannot show 50 ms either way
        pytest.skip(f"host too loaded to measure: idle p99 {idle_p99 * 1000:.1f} ms, pushing {p99 * 1000:.1f} ms")
    assert p99 < 0.050, f"p99 {p99 * 1000:.1f} ms over {len(latencies)} probes (idle p99 {idle_p99 * 1000:.1f} ms)"
