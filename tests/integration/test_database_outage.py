from __future__ import annotations

import asyncio
from pathlib import Path

from tests.support.app import api_client
from tests.support.tcp_proxy import cuttable_proxy


async def _eventually_ok(client, path: str, attempts: int = 40) -> None:  # type: ignore[no-untyped-def]
    for _ in range(attempts):
        response = await client.get(path)
        if response.status_code == 200:
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"{path} never recovered: {response.status_code} {response.text}")


# covers: S-DB-1, S-API-4, S-EXT-3
async def test_database_outage_answers_503_and_the_process_recovers(clean_database: str, tmp_path: Path) -> None:
    with cuttable_proxy(clean_database) as proxy:
        async with api_client(proxy.url, tmp_path) as client:
            assert (await client.get("/health/ready")).status_code == 200
            assert (await client.get("/api/v1/test-probes/db")).json() == {"one": 1}

            proxy.cut()
            ready = await client.get("/health/ready")
            assert ready.status_code == 503
            assert ready.headers["retry-after"]
            assert ready.json()["status"] == "down"
            assert ready.json()["checks"]["database"]["status"] == "down"

            route = await client.get("/api/v1/test-probes/db")
            assert route.status_code == 503
            assert route.headers["content-type"].startswith("application/problem+json")
            assert int(route.headers["retry-after"]) >= 1
            assert route.json()["code"] == "dependency_unavailable"
            assert "psycopg" not in route.text and "Operational" not in route.text

            proxy.restore()
            await _eventually_ok(client, "/health/ready")
            await _eventually_ok(client, "/api/v1/test-probes/db")
