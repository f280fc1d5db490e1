"""Fair claims: the worker takes its next job through `subdub_fetch_job` (migration 0140) instead of
procrastinate's own fetch, so a user's renders take turns with everyone else's and a worker's slots
beyond its concurrency are kept for small renders.

procrastinate's worker asks `app.job_manager` for jobs; the worker runner puts this manager there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from procrastinate import App, BaseConnector
from procrastinate.jobs import Job, Status
from procrastinate.manager import JobManager

from adapters.queue.jobs import RENDER_QUEUE

FETCH_JOB = """
SELECT id, status, task_name, priority, lock, queueing_lock, args, scheduled_at, queue_name, attempts, worker_id
FROM subdub_fetch_job(%(queues)s::varchar[], %(worker_id)s, %(running_per_user)s, %(large_slots)s, %(small_cues)s)
"""
# A finished render may free a user's turn or a large slot: idle workers look again at once.
WAKE_WORKERS = "SELECT pg_notify('procrastinate_any_queue_v1', %(payload)s)"


@dataclass(frozen=True)
class ClaimRules:
    running_per_user: int  # renders of one user running at once, on all workers together
    large_slots: int  # renders above `small_cues` one worker runs at once (its other slots take small ones)
    small_cues: int  # a render of at most this many cues is small


class FairJobManager(JobManager):
    def __init__(self, connector: BaseConnector, rules: ClaimRules) -> None:
        super().__init__(connector)
        self.rules = rules

    async def fetch_job(self, queues: Iterable[str] | None, worker_id: int) -> Job | None:
        row = await self.connector.execute_query_one_async(
            query=FETCH_JOB,
            queues=None if queues is None else list(queues),
            worker_id=worker_id,
            running_per_user=self.rules.running_per_user,
            large_slots=self.rules.large_slots,
            small_cues=self.rules.small_cues,
        )
        if row["id"] is None:
            return None
        return Job.from_row(row)

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
    manager = FairJobManager(app.connector, rules)
    app.job_manager = manager
    return manager
