"""The API as `subdub serve` runs it, plus one bare route on the same pool, for bench/api.py.

Run by the benchmark in a child process: `python bench/api_server.py uvicorn|granian WORKERS`.
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
FACTORY = "bench.api_server:create"


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


def main() -> None:
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
