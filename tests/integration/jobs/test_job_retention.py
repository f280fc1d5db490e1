"""Finished jobs past the retention are deleted by a daily job; dead letters and recent jobs stay."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from psycopg_pool import AsyncConnectionPool

from tests.support.jobs import worker_env, worker_process

pytestmark = pytest.mark.slow


async def _finished_job(pool: AsyncConnectionPool, status: str, days_ago: float) -> int:
    async with pool.connection() as conn:
        cur = await conn.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, status, args) "
            "VALUES ('renders', 'subdub:render', %s, '{}') RETURNING id",
            (status,),
        )
        row = await cur.fetchone()
        assert row is not None
        await conn.execute(
            "INSERT INTO procrastinate_events (job_id, type, at) VALUES (%s, %s, now() - %s * interval '1 day')",
            (row[0], status, days_ago),
        )
    return int(row[0])


async def _remaining(pool: AsyncConnectionPool, ids: list[int]) -> set[int]:
    async with pool.connection() as conn:
        cur = await conn.execute("SELECT id FROM procrastinate_jobs WHERE id = ANY(%s)", (ids,))
        return {row[0] for row in await cur.fetchall()}


# covers: S-JOB-2
async def test_the_worker_deletes_finished_jobs_past_the_retention_and_keeps_dead_letters(
    job_pool: AsyncConnectionPool, clean_database: str, data_dir: Path, tmp_path: Path
) -> None:
    old_success = await _finished_job(job_pool, "succeeded", days_ago=3)
    old_cancelled = await _finished_job(job_pool, "cancelled", days_ago=3)
    old_dead_letter = await _finished_job(job_pool, "failed", days_ago=3)
    recent_success = await _finished_job(job_pool, "succeeded", days_ago=0.5)
    ids = [old_success, old_cancelled, old_dead_letter, recent_success]
    # every minute: a starting worker defers the latest tick (procrastinate skips ticks older than 10 min)
    env = worker_env(clean_database, data_dir, SUBDUB_JOB_RETENTION_DAYS="1", SUBDUB_JOB_RETENTION_CRON="* * * * *")
    with worker_process(env, tmp_path / "worker.log"):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if old_success not in await _remaining(job_pool, ids):
                break
            await asyncio.sleep(0.2)
    assert await _remaining(job_pool, ids) == {old_dead_letter, recent_success}
