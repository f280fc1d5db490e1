"""The API as `subdub serve` runs it, plus one bare route on the same pool, for bench/api.py.

Run by the benchmark in a child process: `python bench/_api_server.py uvicorn|granian WORKERS`.
Settings come from the environment, as for `subdub serve`.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BARE_SQL = (
    "SELECT id, start_ms, end_ms, text, updated_at FROM cues "
    "WHERE track_id = %s AND deleted_at IS NULL ORDER BY start_ms, id LIMIT 200"
)
FACTORY = "bench._api_server:create"


def create() -> object:
    """One process's app: the real one (its own container and pool) and the bare baseline route."""
    import msgspec
    from litestar import get

    from entrypoints.http.app import create_app
    from entrypoints.wiring.runtime import bootstrap

    container = bootstrap(check_store=False).container
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
    return app


def cpu_per_request(track_id: str, token: str, count: int = 300) -> None:
    """CPU milliseconds per request of each route, the app called in this process (no socket): a
    figure that background load on a shared machine changes far less than throughput."""
    import asyncio
    import json
    import time

    from litestar.testing import AsyncTestClient

    routes = {
        "bare": (f"/bench/bare/{track_id}", {}),
        "page": (f"/api/v1/tracks/{track_id}/cues?limit=200", {"Authorization": f"Bearer {token}"}),
    }

    async def run() -> dict[str, list[float]]:
        results: dict[str, list[float]] = {"bare": [], "page": []}
        async with AsyncTestClient(app=create()) as client:  # type: ignore[arg-type]
            for _ in range(2):  # interleaved rounds
                for name, (path, headers) in routes.items():
                    for _ in range(20):
                        assert (await client.get(path, headers=headers)).status_code == 200
                    started = time.process_time()
                    for _ in range(count):
                        await client.get(path, headers=headers)
                    results[name].append((time.process_time() - started) / count * 1000)
        return results

    print(json.dumps(asyncio.run(run())))


def main() -> None:
    if sys.argv[1] == "cpu":
        cpu_per_request(sys.argv[2], sys.argv[3])
        return
    server, workers = sys.argv[1], int(sys.argv[2])
    from entrypoints.wiring.runtime import load_settings_or_exit

    settings = load_settings_or_exit()
    if server == "uvicorn":
        from entrypoints.cli.serve import serve_processes

        serve_processes(settings, workers, app_factory=FACTORY)  # one process too: same code path as N
        return
    from granian import Granian
    from granian.constants import Interfaces, Loops

    Granian(
        FACTORY,
        address=settings.http_host,
        port=settings.http_port,
        interface=Interfaces.ASGI,
        workers=workers,
        loop=Loops.uvloop,
        factory=True,
        log_enabled=False,
        working_dir=ROOT,
    ).serve()


if __name__ == "__main__":
    main()
