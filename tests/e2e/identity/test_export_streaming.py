"""`GET /me/export` is streamed: 300 000 cues go out in constant memory (the server's resident memory
grows by about as much as for a 3 000-cue export; the old builder grew it by ~200 MB) and the document
has the documented shape."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import msgspec
import psycopg
import pytest

from tests.support.server import free_port, serve_subdub, until_live
from tests.support.subtitles import new_project, new_track, person

pytestmark = pytest.mark.slow

CUES = 300_000
SMALL = 3_000


def fill(database_url: str, track_id: str, count: int) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO cues (id, track_id, start_ms, end_ms, text, change_seq, created_at, updated_at) "
            "SELECT gen_random_uuid(), %s, n * 200, n * 200 + 150, 'line ' || n || ' of a very long film', n, "
            "now(), now() FROM generate_series(1, %s) AS n",
            (track_id, count),
        )


def memory_kib(pid: int) -> dict[str, int]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {key: int(fields[key].split()[0]) for key in ("VmRSS", "VmHWM")}


def reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS


async def download(client: httpx.AsyncClient, headers: dict[str, str], pid: int) -> tuple[bytes, int, float]:
    """The export's bytes, the server's resident-memory growth during it (KiB) and its duration."""
    reset_peak(pid)
    before = memory_kib(pid)["VmRSS"]
    started = time.perf_counter()
    chunks: list[bytes] = []
    async with client.stream("GET", "/api/v1/me/export", headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
    return b"".join(chunks), memory_kib(pid)["VmHWM"] - before, time.perf_counter() - started


async def test_a_300k_cue_export_streams_in_constant_memory(clean_database: str, tmp_path: Path) -> None:
    server = serve_subdub(clean_database, tmp_path, port := free_port())
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            await until_live(client, server)
            small, big = await person(client), await person(client)  # type: ignore[arg-type]
            for who, count in ((small, SMALL), (big, CUES)):
                project = await new_project(client, who)  # type: ignore[arg-type]
                fill(clean_database, (await new_track(client, project["id"], who))["id"], count)  # type: ignore[arg-type]
            await download(client, small.headers, server.pid)  # warm-up: first-use allocations
            small_body, small_growth, _ = await download(client, small.headers, server.pid)
            body, growth, seconds = await download(client, big.headers, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(
        f"300k cues: {len(body) / 2**20:.1f} MiB in {seconds:.1f} s, RSS +{growth / 1024:.1f} MiB "
        f"(3k cues: +{small_growth / 1024:.1f} MiB)"
    )
    document = msgspec.json.decode(body)
    assert set(document) == {"data", "meta"}
    data = document["data"]
    assert list(data) == ["exported_at", "account", "sessions", "audit_entries", "projects", "invitations"]
    assert data["account"]["id"] == big.id
    [entry] = data["projects"]
    assert entry["role"] == "owner"
    cues = entry["tracks"][0]["cues"]
    assert len(cues) == CUES
    assert set(cues[0]) >= {"id", "start_ms", "end_ms", "text", "updated_at", "spoken"}
    assert [c["start_ms"] for c in cues[:3]] == [200, 400, 600]
    assert msgspec.json.decode(small_body)["data"]["projects"][0]["tracks"][0]["cues"][-1]["start_ms"] == SMALL * 200
    assert growth < small_growth + 32 * 1024, f"+{growth} KiB for {CUES} cues, +{small_growth} KiB for {SMALL}"
