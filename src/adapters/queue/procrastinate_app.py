"""The procrastinate application shared by the API (to defer jobs) and the worker (to run them)."""

from __future__ import annotations

import importlib
import time

from procrastinate import App, Blueprint, PsycopgConnector
from psycopg_pool import AsyncConnectionPool

from adapters.queue.retry import JobRetryPolicy
from application.ports.health import CheckResult


def make_queue_app(*, task_modules: tuple[str, ...] = (), retry_policy: JobRetryPolicy | None = None) -> App:
    """The connector gets its pool at open time (`open_async(pool)`), so API and worker share ours.

    A task module exposes `build_blueprint(retry_policy)` (a procrastinate Blueprint) and `NAMESPACE`
    (its tasks' prefix).
    """
    app = App(connector=PsycopgConnector())
    for path in task_modules:
        module = importlib.import_module(path)
        build = getattr(module, "build_blueprint", None)
        if build is not None:
            blueprint: Blueprint = build(retry_policy or JobRetryPolicy())
            app.add_tasks_from(blueprint, namespace=module.NAMESPACE)
    return app


class ProcrastinateHealthProbe:
    """The queue is healthy when its tables answer; reports depth by status and the last worker heartbeat."""

    name = "queue"
    critical = True

    def __init__(self, pool: AsyncConnectionPool, *, heartbeat_stale_s: float = 60.0) -> None:
        self._pool = pool
        self._heartbeat_stale_s = heartbeat_stale_s

    async def check(self) -> CheckResult:
        started = time.perf_counter()
        try:
            async with self._pool.connection(timeout=2.0) as conn:
                cur = await conn.execute(
                    "SELECT count(*) FILTER (WHERE status = 'todo'), count(*) FILTER (WHERE status = 'doing'), "
                    "count(*) FILTER (WHERE status = 'failed'), "
                    "EXTRACT(EPOCH FROM now() - (SELECT max(last_heartbeat) FROM procrastinate_workers)) "
                    "FROM procrastinate_jobs WHERE status IN ('todo', 'doing', 'failed')"
                )
                row = await cur.fetchone()
        except Exception as exc:  # noqa: BLE001 - any failure means "down"; the type is reported
            return CheckResult(status="down", detail=type(exc).__name__)
        latency = round((time.perf_counter() - started) * 1000, 2)
        todo, doing, failed, since_heartbeat = row if row else (0, 0, 0, None)
        if since_heartbeat is None:
            worker = "no worker has registered"
        elif float(since_heartbeat) > self._heartbeat_stale_s:
            worker = f"no worker heartbeat for {int(since_heartbeat)} s"
        else:
            worker = f"worker alive (last heartbeat {int(since_heartbeat)} s ago)"
        detail = f"{todo} queued, {doing} running, {failed} failed (dead letters); {worker}"
        stranded = todo > 0 and not worker.startswith("worker alive")
        return CheckResult(status="degraded" if stranded else "ok", latency_ms=latency, detail=detail)
