"""The worker process: opens the shared pool, runs procrastinate's worker, stops gracefully on SIGTERM."""

from __future__ import annotations

import structlog

from entrypoints.container import Container

log = structlog.get_logger(__name__)


async def run_worker(container: Container, *, concurrency: int | None = None) -> None:
    settings = container.settings()
    pool = container.pool()
    await pool.open(wait=True, timeout=30)
    queue_app = container.queue_app()
    await queue_app.open_async(pool)
    try:
        # procrastinate installs its own SIGINT/SIGTERM handlers: stop fetching, let running jobs
        # finish within shutdown_graceful_timeout, then cancel them (they are retried later).
        await queue_app.run_worker_async(
            concurrency=concurrency or settings.worker_concurrency,
            shutdown_graceful_timeout=settings.shutdown_grace_seconds,
            install_signal_handlers=True,
        )
    finally:
        await queue_app.close_async()
        await pool.close()
        log.info("worker.stopped")
