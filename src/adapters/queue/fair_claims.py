"""Fair claims: the worker takes its next job through the claim below instead of procrastinate's own
fetch, so a user's renders take turns with everyone else's and a worker's slots beyond its concurrency
are kept for small renders.

The same rules as procrastinate's fetch (queues, due time, locks, priority, age), and for render jobs:
- a user's renders already running come first in the order: the user with the fewest runs next;
- no user gets more than `running_per_user` renders running at once (the rest wait their turn);
- a worker runs at most `large_slots` renders larger than `small_cues` at once, so the slots it has
  beyond them always take small renders (a 2-cue render never waits behind hours of speech).
One claim at a time (a transaction-level advisory lock, taken before the claim reads anything): two
workers never both take a user's last free slot.

procrastinate's worker asks `app.job_manager` for jobs; the worker runner puts this manager there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from procrastinate import App, PsycopgConnector
from procrastinate.jobs import Job, Status
from procrastinate.manager import JobManager
from psycopg.rows import dict_row

from adapters.queue.jobs import RENDER_QUEUE

CLAIM_LOCK = "SELECT pg_advisory_xact_lock(4242424242001)"
CLAIM = """
WITH large_here AS (
    SELECT count(*) AS n
        FROM procrastinate_jobs AS j JOIN renders AS r ON r.job_id = j.id
        WHERE j.status = 'doing' AND j.worker_id = %(worker_id)s AND r.cue_count > %(small_cues)s
), running AS (
    SELECT r.requested_by, count(*) AS n
        FROM procrastinate_jobs AS j JOIN renders AS r ON r.job_id = j.id
        WHERE j.status = 'doing'
        GROUP BY r.requested_by
), candidate AS (
    SELECT jobs.id
        FROM procrastinate_jobs AS jobs
        CROSS JOIN large_here
        LEFT JOIN renders AS r ON r.job_id = jobs.id
        LEFT JOIN running AS u ON u.requested_by = r.requested_by
        WHERE jobs.status = 'todo'
            AND (%(queues)s::varchar[] IS NULL OR jobs.queue_name = ANY(%(queues)s::varchar[]))
            AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now())
            AND (r.id IS NULL OR (
                COALESCE(u.n, 0) < %(running_per_user)s
                AND (r.cue_count <= %(small_cues)s OR large_here.n < %(large_slots)s)
            ))
            -- procrastinate's lock rule: a job waits while a job of its lock runs or comes first
            AND NOT EXISTS (
                SELECT 1 FROM procrastinate_jobs AS other_jobs
                    WHERE jobs.lock IS NOT NULL
                        AND other_jobs.lock = jobs.lock
                        AND (
                            other_jobs.status = 'doing'
                            OR (other_jobs.status = 'todo' AND (
                                other_jobs.priority > jobs.priority
                                OR (other_jobs.priority = jobs.priority AND other_jobs.id < jobs.id)
                            ))
                        )
            )
        ORDER BY COALESCE(u.n, 0), jobs.priority DESC, jobs.id
        LIMIT 1
        FOR UPDATE OF jobs SKIP LOCKED
)
UPDATE procrastinate_jobs
    SET status = 'doing', worker_id = %(worker_id)s
    FROM candidate
    WHERE procrastinate_jobs.id = candidate.id
    RETURNING procrastinate_jobs.id, procrastinate_jobs.status, procrastinate_jobs.task_name,
        procrastinate_jobs.priority, procrastinate_jobs.lock, procrastinate_jobs.queueing_lock,
        procrastinate_jobs.args, procrastinate_jobs.scheduled_at, procrastinate_jobs.queue_name,
        procrastinate_jobs.attempts, procrastinate_jobs.worker_id
"""
# A finished render may free a user's turn or a large slot: idle workers look again at once.
WAKE_WORKERS = "SELECT pg_notify('procrastinate_any_queue_v1', %(payload)s)"


@dataclass(frozen=True)
class ClaimRules:
    running_per_user: int  # renders of one user running at once, on all workers together
    large_slots: int  # renders above `small_cues` one worker runs at once (its other slots take small ones)
    small_cues: int  # a render of at most this many cues is small


class FairJobManager(JobManager):
    def __init__(self, connector: PsycopgConnector, rules: ClaimRules) -> None:
        super().__init__(connector)
        self.pool = connector.pool
        self.rules = rules

    async def fetch_job(self, queues: Iterable[str] | None, worker_id: int) -> Job | None:
        parameters = {
            "queues": None if queues is None else list(queues),
            "worker_id": worker_id,
            "running_per_user": self.rules.running_per_user,
            "large_slots": self.rules.large_slots,
            "small_cues": self.rules.small_cues,
        }
        async with self.pool.connection() as connection, connection.transaction():
            await connection.execute(CLAIM_LOCK)  # the claim's reads come after the lock (a fresh snapshot)
            async with connection.cursor(row_factory=dict_row) as cursor:
                await cursor.execute(CLAIM, parameters)
                row = await cursor.fetchone()
        return None if row is None else Job.from_row(row)

    async def finish_job(self, job: Job, status: Status, delete_job: bool) -> None:
        await super().finish_job(job, status, delete_job)
        await self._freed(job)

    async def retry_job(self, job: Job, *args: Any, **kwargs: Any) -> None:
        await super().retry_job(job, *args, **kwargs)
        await self._freed(job)

    async def _freed(self, job: Job) -> None:
        if job.queue == RENDER_QUEUE:
            payload = json.dumps({"type": "job_inserted", "job_id": job.id})
            await self.connector.execute_query_async(query=WAKE_WORKERS, payload=payload)


def use_fair_claims(app: App, rules: ClaimRules) -> FairJobManager:
    """Makes `app`'s workers claim fairly (deferring is unchanged: the same connector, the same tables)."""
    if not isinstance(app.connector, PsycopgConnector):
        raise TypeError("fair claims need procrastinate's PsycopgConnector")
    manager = FairJobManager(app.connector, rules)
    app.job_manager = manager
    return manager
