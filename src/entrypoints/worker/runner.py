"""The worker process: opens the shared pool, runs procrastinate's worker, stops gracefully on SIGTERM."""

from __future__ import annotations

import asyncio
import importlib

import structlog
from prometheus_client import start_http_server

from adapters.queue.fair_claims import ClaimRules, use_fair_claims
from adapters.queue.observability import JobObserver
from adapters.queue.recovery import recover_stalled_jobs_forever
from entrypoints.wiring import Container, running
from entrypoints.worker.housekeeping import prune_clip_cache_forever, purge_project_blobs_forever
from entrypoints.worker.tasks import schedule_periodic_tasks

log = structlog.get_logger(__name__)
# Imported lazily by the rendering engine (they take seconds); loaded before the worker takes jobs,
# so a first render never stalls the event loop, and with it the worker's heartbeat.
HEAVY_RENDER_MODULES = ("pyloudnorm", "scipy.signal")


def _preload() -> None:
    for name in HEAVY_RENDER_MODULES:
        importlib.import_module(name)


async def run_worker(container: Container, *, concurrency: int | None = None) -> None:
    settings = container.settings()
    if settings.worker_metrics_port:
        # this process's job durations and outcomes (subdub_job_duration_seconds, subdub_jobs_finished_total)
        start_http_server(settings.worker_metrics_port, addr=settings.http_host)
    await asyncio.to_thread(_preload)
    queue_app = container.core.queue_app()
    schedule_periodic_tasks(
        queue_app,
        video_sweep=container.external.video_catalog() is not None,
        retention_cron=settings.job_retention_cron if settings.job_retention_days > 0 else None,
    )
    async with running(container, wait_for_database=True):
        await _work(container, concurrency or settings.worker_concurrency)
    log.info("worker.stopped")


def _start_housekeeping(container: Container) -> list[asyncio.Task[None]]:
    settings = container.settings()
    return [
        # Jobs of workers that stopped heart-beating (killed, frozen) go back to the queue.
        asyncio.create_task(
            recover_stalled_jobs_forever(
                container.core.queue_app(),
                stalled_after_s=settings.job_stalled_after_s,
                every_s=settings.job_recovery_interval_s,
            ),
            name="stalled-job-recovery",
        ),
        asyncio.create_task(
            prune_clip_cache_forever(container.voice.prune_clip_cache(), every_s=settings.clip_cache_prune_interval_s),
            name="clip-cache-pruning",
        ),
        asyncio.create_task(
            purge_project_blobs_forever(
                container.renders.purge_project_blobs(), every_s=settings.blob_purge_interval_s
            ),
            name="project-blob-purge",
        ),
    ]


async def _work(container: Container, concurrency: int) -> None:
    settings = container.settings()
    queue_app = container.core.queue_app()
    # `concurrency` slots take any job (at most that many large renders); the extra slots small renders
    rules = ClaimRules(
        running_per_user=settings.renders_running_per_user,
        large_slots=concurrency,
        small_cues=settings.small_render_cues,
    )
    use_fair_claims(queue_app, rules)
    housekeeping = _start_housekeeping(container)
    try:
        # procrastinate installs its own SIGINT/SIGTERM handlers: stop fetching, let running jobs
        # finish within shutdown_graceful_timeout, then cancel them: they are given back for a retry.
        await queue_app.run_worker_async(
            concurrency=concurrency + settings.worker_small_render_slots,
            shutdown_graceful_timeout=settings.shutdown_grace_seconds,
            install_signal_handlers=True,
            additional_context={"container": container},
            worker_middleware=[JobObserver(container.core.pool())],
            update_heartbeat_interval=settings.worker_heartbeat_s,
            stalled_worker_timeout=settings.job_stalled_after_s,
            fetch_job_polling_interval=settings.worker_poll_s,
        )
    finally:
        for task in housekeeping:
            task.cancel()
        await asyncio.gather(*housekeeping, return_exceptions=True)
