"""Queue metrics for /metrics (S-OBS-4), read from the database so every API replica reports the
whole queue: the live queue and the dead letters, active renders, and what finished in the last hour.

Every query is bounded by an index (the live statuses, or `at`/`finished_at` within the window), so a
scrape costs the same after a million jobs as after ten. Lifetime counters and histograms come from
each worker process instead (`subdub_job_duration_seconds`, `subdub_jobs_finished_total`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import structlog
from prometheus_client.core import GaugeHistogramMetricFamily, GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector
from psycopg_pool import AsyncConnectionPool

log = structlog.get_logger(__name__)

LIVE_JOBS = """
SELECT status::text, count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') GROUP BY status
UNION ALL SELECT 'failed', count(*) FROM procrastinate_jobs WHERE status = 'failed'
"""
ACTIVE_RENDERS = "SELECT status, count(*) FROM renders WHERE status IN ('queued', 'running') GROUP BY status"
RECENT_RENDERS = """
SELECT status, count(*) FROM renders WHERE finished_at > now() - interval '1 hour' GROUP BY status
"""
RECENT_OUTCOMES = """
SELECT type::text, count(*) FROM procrastinate_events
WHERE at > now() - interval '1 hour'
  AND type IN ('succeeded', 'failed', 'deferred_for_retry', 'aborted', 'retried')
GROUP BY type
"""
BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)
RECENT_DURATIONS = """
SELECT count(*) FILTER (WHERE d <= 1), count(*) FILTER (WHERE d <= 5), count(*) FILTER (WHERE d <= 15),
       count(*) FILTER (WHERE d <= 60), count(*) FILTER (WHERE d <= 300), count(*) FILTER (WHERE d <= 900),
       count(*) FILTER (WHERE d <= 3600), count(*), coalesce(sum(d), 0)
FROM (SELECT EXTRACT(EPOCH FROM finished_at - started_at) AS d FROM renders
      WHERE finished_at > now() - interval '1 hour' AND status = 'succeeded' AND started_at IS NOT NULL) AS recent
"""
JOB_STATUSES = ("todo", "doing", "failed")
OUTCOMES = ("succeeded", "failed", "deferred_for_retry", "aborted", "retried")
Family = GaugeMetricFamily | GaugeHistogramMetricFamily


class QueueMetrics(Collector):
    """Prometheus collectors are synchronous: a refresher task keeps a snapshot the scrape reads."""

    def __init__(self, pool: AsyncConnectionPool, *, every_s: float = 5.0) -> None:
        self._pool = pool
        self._every_s = every_s
        self.jobs: dict[str, int] = {}
        self.renders: dict[str, int] = {}
        self.finished: dict[str, int] = {}
        self.outcomes: dict[str, int] = {}
        self.durations: tuple[int, ...] = ()
        self.duration_sum = 0.0

    async def refresh(self) -> None:
        async with self._pool.connection(timeout=2.0) as conn:
            self.jobs = {s: n for s, n in await (await conn.execute(LIVE_JOBS)).fetchall()}
            self.renders = {s: n for s, n in await (await conn.execute(ACTIVE_RENDERS)).fetchall()}
            self.finished = {s: n for s, n in await (await conn.execute(RECENT_RENDERS)).fetchall()}
            self.outcomes = {t: n for t, n in await (await conn.execute(RECENT_OUTCOMES)).fetchall()}
            row = await (await conn.execute(RECENT_DURATIONS)).fetchone()
        if row is not None:
            self.durations, self.duration_sum = tuple(int(v) for v in row[:8]), float(row[8])

    async def refresh_forever(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self.refresh(), timeout=self._every_s)
            except Exception as exc:  # noqa: BLE001 - a scrape shows the last snapshot; the next refresh retries
                log.debug("queue_metrics.refresh_failed", error=type(exc).__name__)
            await asyncio.sleep(self._every_s)

    def collect(self) -> Iterator[Family]:
        yield _gauge("subdub_queue_jobs", "Jobs waiting, running and dead-lettered", "status", JOB_STATUSES, self.jobs)
        yield _gauge("subdub_renders", "Renders queued or running", "status", ("queued", "running"), self.renders)
        yield _gauge(
            "subdub_renders_finished_last_hour",
            "Renders that finished in the last hour, by outcome",
            "status",
            ("succeeded", "failed", "cancelled"),
            self.finished,
        )
        yield _gauge(
            "subdub_job_outcomes_last_hour", "Job run outcomes in the last hour", "outcome", OUTCOMES, self.outcomes
        )
        if self.durations:
            cumulative = [(str(b), c) for b, c in zip(BUCKETS, self.durations[:7], strict=True)]
            cumulative.append(("+Inf", self.durations[7]))
            yield GaugeHistogramMetricFamily(
                "subdub_render_duration_seconds_last_hour",
                "Wall time of the renders that succeeded in the last hour (start of the last run to the end)",
                buckets=cumulative,
                gsum_value=self.duration_sum,
            )


def _gauge(
    name: str, documentation: str, label: str, values: tuple[str, ...], counts: dict[str, int]
) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for value in values:
        family.add_metric([value], counts.get(value, 0))
    return family


class _CurrentQueueMetrics(Collector):
    """Registered once per process; reports whichever QueueMetrics the running app installed."""

    current: QueueMetrics | None = None

    def collect(self) -> Iterator[Family]:
        if self.current is not None:
            yield from self.current.collect()


_INSTALLED = _CurrentQueueMetrics()
REGISTRY.register(_INSTALLED)


def install(metrics: QueueMetrics) -> None:
    _INSTALLED.current = metrics
