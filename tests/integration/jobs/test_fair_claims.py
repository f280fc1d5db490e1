"""Workers claim render jobs fairly (the claim query on real PostgreSQL, no worker process): the user
with the fewest renders running goes next, no user runs more than their share, a worker's slots beyond
its concurrency take only small renders, and concurrent claims never overshoot a user's share."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from uuid import UUID

import psycopg
import pytest
from procrastinate import App
from procrastinate.jobs import Status
from psycopg_pool import AsyncConnectionPool

from adapters.queue.fair_claims import ClaimRules, FairJobManager, use_fair_claims
from adapters.queue.procrastinate_app import make_queue_app
from domain.renders import Render
from entrypoints.wiring import TASK_MODULES
from tests.support.jobs import queue_render, render_cues, seed_track

RULES = ClaimRules(running_per_user=2, large_slots=2, small_cues=10)
LARGE, SMALL = 11, 2


@pytest.fixture
async def claims(job_pool: AsyncConnectionPool) -> AsyncIterator[FairJobManager]:
    app: App = make_queue_app(task_modules=TASK_MODULES)
    await app.open_async(job_pool)
    try:
        yield use_fair_claims(app, RULES)
    finally:
        await app.close_async()


async def renders_of(
    pool: AsyncConnectionPool, count: int, cues: int, owner: tuple[UUID, UUID] | None = None
) -> list[Render]:
    owner = owner or await seed_track(pool)
    return [await queue_render(pool, render_cues(cues), owner=owner) for _ in range(count)]


def job_ids(renders: list[Render]) -> list[int]:
    return [render.job_id or 0 for render in renders]


async def claim(claims: FairJobManager, worker: int) -> int | None:
    job = await claims.fetch_job(None, worker)
    return None if job is None else job.id


async def test_users_take_turns_and_spare_slots_take_only_small_renders(
    job_pool: AsyncConnectionPool, claims: FairJobManager
) -> None:
    user_a = await seed_track(job_pool)
    a = job_ids(await renders_of(job_pool, 3, LARGE, user_a))  # user A asked first, three large renders
    b = job_ids(await renders_of(job_pool, 1, LARGE))  # then user B, one
    first, second = await claims.register_worker(), await claims.register_worker()

    assert await claim(claims, first) == a[0]
    assert await claim(claims, first) == b[0]  # B has nothing running: B goes before A's second
    assert await claim(claims, first) is None  # the first worker runs two large renders: its spare slot waits
    assert await claim(claims, second) == a[1]
    assert await claim(claims, second) is None  # A runs two (the share) and nobody else waits

    c_small = job_ids(await renders_of(job_pool, 1, SMALL))
    assert await claim(claims, first) == c_small[0]  # a small render takes the spare slot at once
    await renders_of(job_pool, 1, SMALL, user_a)
    assert await claim(claims, second) is None  # ... but not beyond its user's share

    await claims.finish_job_by_id_async(a[0], status=Status.SUCCEEDED, delete_job=False)
    assert await claim(claims, second) == a[2]  # A's turn again, oldest first


async def test_concurrent_claims_never_run_more_than_a_users_share(
    job_pool: AsyncConnectionPool, claims: FairJobManager
) -> None:
    a = set(job_ids(await renders_of(job_pool, 6, SMALL)))
    workers = [await claims.register_worker() for _ in range(6)]
    claimed = await asyncio.gather(*(claim(claims, worker) for worker in workers))
    taken = [job for job in claimed if job is not None]
    assert len(taken) == RULES.running_per_user and set(taken) <= a


async def test_other_jobs_are_claimed_as_procrastinate_would(
    job_pool: AsyncConnectionPool, claims: FairJobManager
) -> None:
    app = make_queue_app(task_modules=TASK_MODULES)
    await app.open_async(job_pool)
    try:
        job = await app.configure_task("subdub:fill_project_video", queue="videos").defer_async(
            project_id=str(UUID(int=1)), trace_id=None
        )
    finally:
        await app.close_async()
    worker = await claims.register_worker()
    assert await claim(claims, worker) == job


async def test_a_finished_render_wakes_idle_workers(
    job_pool: AsyncConnectionPool, claims: FairJobManager, clean_database: str
) -> None:
    """A worker whose claim found nothing sleeps until a notification: a render's end (which may free a
    user's turn or a large slot) sends one."""
    (render,) = await renders_of(job_pool, 1, LARGE)
    worker = await claims.register_worker()
    job = await claims.fetch_job(None, worker)
    assert job is not None and job.id == render.job_id
    async with await psycopg.AsyncConnection.connect(clean_database, autocommit=True) as listener:
        await listener.execute("LISTEN procrastinate_any_queue_v1")
        await claims.finish_job(job, Status.SUCCEEDED, delete_job=False)
        notice = await anext(aiter(listener.notifies(timeout=5)))
    assert json.loads(notice.payload) == {"type": "job_inserted", "job_id": job.id}
