from __future__ import annotations

import time

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from application.ports.health import CheckResult


def make_pool(conninfo: str, *, min_size: int, max_size: int, timeout_s: float = 5.0) -> AsyncConnectionPool:
    """A pool that is not opened yet: the lifespan of each entrypoint opens and closes it."""

    async def configure(conn: AsyncConnection) -> None:
        await conn.execute("SET TIME ZONE 'UTC'")
        await conn.commit()

    return AsyncConnectionPool(
        conninfo,
        min_size=min_size,
        max_size=max_size,
        timeout=timeout_s,
        open=False,
        configure=configure,
        check=AsyncConnectionPool.check_connection,
        name="subdub",
    )


class PostgresHealthProbe:
    name = "database"
    critical = True

    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def check(self) -> CheckResult:
        started = time.perf_counter()
        try:
            async with self._pool.connection(timeout=2.0) as conn:
                await conn.execute("SELECT 1")
        except Exception as exc:  # noqa: BLE001 - any failure means "down"; the type is reported
            return CheckResult(status="down", detail=type(exc).__name__)
        return CheckResult(status="ok", latency_ms=round((time.perf_counter() - started) * 1000, 2))
