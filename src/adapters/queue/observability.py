"""Every job, whatever its task: logs carrying the trace id of the request that caused it (start,
finish or failure, duration), metrics, and its last error kept for the dead-letter list."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import structlog
from procrastinate import JobContext
from prometheus_client import Counter, Histogram
from psycopg_pool import AsyncConnectionPool

log = structlog.get_logger("jobs")

JOB_DURATION = Histogram(
    "subdub_job_duration_seconds",
    "Duration of job runs by task and outcome",
    ["task", "outcome"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800),
)
JOBS_FINISHED = Counter("subdub_jobs_finished_total", "Job runs by task and outcome", ["task", "outcome"])

RECORD_ERROR = """
INSERT INTO job_errors (job_id, error) VALUES (%(job_id)s, %(error)s)
ON CONFLICT (job_id) DO UPDATE SET error = EXCLUDED.error, updated_at = now()
"""
MAX_ERROR_CHARS = 2000


class JobObserver:
    """A procrastinate worker middleware."""

    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def __call__(self, call_next: Any, context: JobContext, worker: Any) -> Any:
        job = context.job
        trace_id = job.task_kwargs.get("trace_id") if isinstance(job.task_kwargs, dict) else None
        with structlog.contextvars.bound_contextvars(
            trace_id=trace_id, job_id=job.id, task=job.task_name, attempt=job.attempts + 1
        ):
            log.info("job.started")
            started = time.perf_counter()
            try:
                result = await call_next()
            except BaseException as exc:
                elapsed = time.perf_counter() - started
                outcome = "given_back" if _is_cancel(exc) else "failed"
                log.warning(
                    "job.failed",
                    outcome=outcome,
                    error=type(exc).__name__,
                    detail=str(exc)[:300],
                    duration_ms=round(elapsed * 1000),
                )
                JOB_DURATION.labels(job.task_name, outcome).observe(elapsed)
                JOBS_FINISHED.labels(job.task_name, outcome).inc()
                await self._record_error(job.id, exc)
                raise
            elapsed = time.perf_counter() - started
            log.info("job.finished", duration_ms=round(elapsed * 1000))
            JOB_DURATION.labels(job.task_name, "succeeded").observe(elapsed)
            JOBS_FINISHED.labels(job.task_name, "succeeded").inc()
            return result

    async def _record_error(self, job_id: int | None, exc: BaseException) -> None:
        if job_id is None:
            return
        text = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
        try:
            async with self._pool.connection(timeout=5.0) as conn:
                await conn.execute(RECORD_ERROR, {"job_id": job_id, "error": text})
        except Exception as error:  # noqa: BLE001 - the error record is best effort; the job outcome is not
            log.warning("job.error_not_recorded", error=type(error).__name__)


def _is_cancel(exc: BaseException) -> bool:
    return isinstance(exc, asyncio.CancelledError)
