"""Jobs whose worker stopped heart-beating (killed, frozen, cut off) go back to the queue."""

from __future__ import annotations

import asyncio

import structlog
from procrastinate import App

log = structlog.get_logger(__name__)


async def requeue_stalled_jobs(app: App, *, stalled_after_s: float) -> list[int]:
    """One sweep with procrastinate's stalled-job API; safe to run from many workers at once."""
    requeued = []
    for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after_s):
        try:
            await app.job_manager.retry_job(job)
        except Exception as exc:  # noqa: BLE001 - another worker requeued it first, or it just finished
            log.debug("jobs.requeue_skipped", job_id=job.id, error=type(exc).__name__)
            continue
        if job.id is not None:
            requeued.append(job.id)
        log.warning("jobs.requeued_stalled", job_id=job.id, task=job.task_name, worker_id=job.worker_id)
    if requeued:
        await app.job_manager.prune_stalled_workers(stalled_after_s)
    return requeued


async def recover_stalled_jobs_forever(app: App, *, stalled_after_s: float, every_s: float) -> None:
    while True:
        try:
            await requeue_stalled_jobs(app, stalled_after_s=stalled_after_s)
        except Exception as exc:  # noqa: BLE001 - the database may be away; the next sweep tries again
            log.warning("jobs.recovery_failed", error=type(exc).__name__)
        await asyncio.sleep(every_s)
