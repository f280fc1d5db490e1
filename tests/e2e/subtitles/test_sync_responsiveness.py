"""`/health/live` stays fast (wrk p99 < 50 ms) while ten 5 000-change sync pushes run at once: their
validation runs off the event loop and their rows travel to PostgreSQL as one JSON document."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
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


async def probe(base: str, seconds: int) -> float:
    """p99 of back-to-back `/health/live` requests by wrk (a C client in its own process, so the test's own
    event loop, busy sending pushes, does not add to the figures), in seconds."""
    wrk = await asyncio.create_subprocess_exec(
        "wrk", "-t1", "-c1", f"-d{seconds}s", "--latency", f"{base}/health/live", stdout=asyncio.subprocess.PIPE
    )
    out = (await wrk.communicate())[0].decode()
    value, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk (apt-get install wrk)")
async def test_health_stays_fast_during_ten_big_sync_pushes(clean_database: str, tmp_path: Path) -> None:
    port = free_port()
    server = serve_subdub(clean_database, tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=300) as client:
            await until_live(client, server)
            owner = await person(client)  # type: ignore[arg-type]  # the same calls as the test client
            project = await new_project(client, owner)  # type: ignore[arg-type]
            tracks = [(await new_track(client, project["id"], owner))["id"] for _ in range(PUSHES)]  # type: ignore[arg-type]
            ids = [[str(uuid.uuid4()) for _ in range(CHANGES)] for _ in tracks]
            bodies = [[body(mine, version) for mine in ids] for version in (1, 2, 3, 4)]
            idle_p99 = await probe(base, 2)
            probing = asyncio.ensure_future(probe(base, 6))
            waves = 0
            while not probing.done() and waves < len(bodies):  # new cues, then edits of them
                wave = [push(client, owner, t, b) for t, b in zip(tracks, bodies[waves], strict=True)]
                answers = await asyncio.gather(*wave)
                assert all(a.status_code == 200 and len(a.json()["data"]["applied"]) == CHANGES for a in answers)
                waves += 1
            p99 = await probing
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"p99 {p99 * 1000:.1f} ms during {waves} waves of {PUSHES} pushes, {idle_p99 * 1000:.1f} ms idle")
    if idle_p99 >= 0.025:  # idle probes already take half the budget: this host cannot show 50 ms either way
        pytest.skip(f"host too loaded to measure: idle p99 {idle_p99 * 1000:.1f} ms, pushing {p99 * 1000:.1f} ms")
    assert p99 < 0.050, f"p99 {p99 * 1000:.1f} ms during the pushes (idle p99 {idle_p99 * 1000:.1f} ms)"
