"""Queue metrics for /metrics (S-OBS-4), read from the database so every API replica reports the
whole queue: jobs by status, renders by status, job outcomes so far, and how long finished renders took."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import structlog
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import REGISTRY, Collector
from psycopg_pool import AsyncConnectionPool

log = structlog.get_logger(__name__)

JOBS_BY_STATUS = "SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY status"
RENDERS_BY_STATUS = "SELECT status, count(*) FROM renders GROUP BY status"
JOB_OUTCOMES = """
SELECT type::text, count(*) FROM procrastinate_events
WHERE type IN ('succeeded', 'failed', 'deferred_for_retry', 'aborted', 'retried') GROUP BY type
"""
BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)
RENDER_DURATIONS = """
SELECT count(*) FILTER (WHERE d <= 1), count(*) FILTER (WHERE d <= 5), count(*) FILTER (WHERE d <= 15),
       count(*) FILTER (WHERE d <= 60), count(*) FILTER (WHERE d <= 300), count(*) FILTER (WHERE d <= 900),
       count(*) FILTER (WHERE d <= 3600), count(*), coalesce(sum(d), 0)
FROM (SELECT EXTRACT(EPOCH FROM finished_at - started_at) AS d FROM renders
      WHERE status = 'succeeded' AND started_at IS NOT NULL) AS finished
"""


class QueueMetrics(Collector):
    """Prometheus collectors are synchronous: a refresher task keeps a snapshot the scrape reads."""

    def __init__(self, pool: AsyncConnectionPool, *, every_s: float = 5.0) -> None:
        self._pool = pool
        self._every_s = every_s
        self.jobs: dict[str, int] = {}
        self.renders: dict[str, int] = {}
        self.outcomes: dict[str, int] = {}
        self.durations: tuple[int, ...] = ()
        self.duration_sum = 0.0

    async def refresh(self) -> None:
        async with self._pool.connection(timeout=2.0) as conn:
            self.jobs = {s: n for s, n in await (await conn.execute(JOBS_BY_STATUS)).fetchall()}
            self.renders = {s: n for s, n in await (await conn.execute(RENDERS_BY_STATUS)).fetchall()}
            self.outcomes = {t: n for t, n in await (await conn.execute(JOB_OUTCOMES)).fetchall()}
            row = await (await conn.execute(RENDER_DURATIONS)).fetchone()
        if row is not None:
            self.durations, self.duration_sum = tuple(int(v) for v in row[:8]), float(row[8])

    async def refresh_forever(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self.refresh(), timeout=self._every_s)
            except Exception as exc:  # noqa: BLE001 - a scrape shows the last snapshot; the next refresh retries
                log.debug("queue_metrics.refresh_failed", error=type(exc).__name__)
            await asyncio.sleep(self._every_s)

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily | HistogramMetricFamily]:
        jobs = GaugeMetricFamily("subdub_queue_jobs", "Jobs in the queue by status", labels=["status"])
        for status in ("todo", "doing", "succeeded", "failed", "cancelled", "aborted"):
            jobs.add_metric([status], self.jobs.get(status, 0))
        yield jobs
        renders = GaugeMetricFamily("subdub_renders", "Renders by status", labels=["status"])
        for status in ("queued", "running", "succeeded", "failed", "cancelled"):
            renders.add_metric([status], self.renders.get(status, 0))
        yield renders
        outcomes = CounterMetricFamily("subdub_job_outcomes", "Job run outcomes so far", labels=["outcome"])
        for outcome in ("succeeded", "failed", "deferred_for_retry", "aborted", "retried"):
            outcomes.add_metric([outcome], self.outcomes.get(outcome, 0))
        yield outcomes
        if self.durations:
            cumulative = [(str(b), c) for b, c in zip(BUCKETS, self.durations[:7], strict=True)]
            cumulative.append(("+Inf", self.durations[7]))
            yield HistogramMetricFamily(
                "subdub_render_duration_seconds",
                "Wall time of succeeded renders (start of the last run to the end)",
                buckets=cumulative,
                sum_value=self.duration_sum,
            )


class _CurrentQueueMetrics(Collector):
    """Registered once per process; reports whichever QueueMetrics the running app installed."""

    current: QueueMetrics | None = None

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily | HistogramMetricFamily]:
        if self.current is not None:
            yield from self.current.collect()


_INSTALLED = _CurrentQueueMetrics()
REGISTRY.register(_INSTALLED)


def install(metrics: QueueMetrics) -> None:
    _INSTALLED.current = metrics
