"""Faults a render must survive: a flapping engine, a killed worker, a shutdown, a database restart,
and a permanent failure that lands in the dead-letter list until an admin retries it."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.queued_unit_of_work import PostgresQueuedUnitOfWork
from adapters.queue.procrastinate_app import make_queue_app
from adapters.system import SystemClock
from application.actor import Actor, GlobalRole
from application.pagination import PageRequest
from application.use_cases.renders.admin_jobs import ListJobs, RetryJob
from domain.renders import RenderStatus
from tests.integration.jobs.conftest import artifacts
from tests.support.jobs import (
    job_row,
    load_render,
    queue_render,
    render_cues,
    wait_for,
    wait_job,
    worker_env,
    worker_process,
)
from tests.support.tcp_proxy import cuttable_proxy

pytestmark = pytest.mark.slow
ADMIN = Actor(user_id=uuid4(), role=GlobalRole.ADMIN)
ENDED = {RenderStatus.SUCCEEDED, RenderStatus.FAILED, RenderStatus.CANCELLED}


def queued_uow(pool: AsyncConnectionPool) -> PostgresQueuedUnitOfWork:
    return PostgresQueuedUnitOfWork(pool, make_queue_app())


async def wait_running(pool: AsyncConnectionPool, render_id: UUID, *, min_done: int = 1, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        render = await load_render(pool, render_id)
        if render.status is RenderStatus.RUNNING and render.progress.done >= min_done:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the render never got going")


# covers: S-JOB-2
async def test_every_render_of_a_batch_completes_with_an_engine_failing_30_percent_of_calls(
    job_pool: AsyncConnectionPool, clean_database: str, data_dir: Path, tmp_path: Path
) -> None:
    renders = [await queue_render(job_pool, render_cues(4, text=f"batch {n}")) for n in range(20)]
    env = worker_env(clean_database, data_dir, FAKE_TTS_FAIL_RATE="0.3", SUBDUB_JOB_MAX_ATTEMPTS="30")
    with worker_process(env, tmp_path / "worker.log"):
        done = await wait_for(job_pool, [r.id for r in renders], ENDED, timeout_s=120)
    assert [r.status for r in done] == [RenderStatus.SUCCEEDED] * 20
    assert sum(r.attempts for r in done) > 20, "the fake engine failed no call: the test proves nothing"
    assert len(artifacts(data_dir)) == 20


# covers: S-JOB-3
async def test_a_render_whose_worker_is_killed_completes_on_another_worker_once(
    job_pool: AsyncConnectionPool, clean_database: str, data_dir: Path, tmp_path: Path
) -> None:
    # 320 cues = 5 engine batches of 64, each held 1 s by the fake: still running when the kill comes
    render = await queue_render(job_pool, render_cues(320))
    slow = worker_env(clean_database, data_dir, FAKE_TTS_DELAY_S="1.0", SUBDUB_WORKER_CONCURRENCY="1")

    with worker_process(slow, tmp_path / "victim.log") as victim:
        await wait_running(job_pool, render.id)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
    assert (await load_render(job_pool, render.id)).status is RenderStatus.RUNNING  # orphaned
    with worker_process(worker_env(clean_database, data_dir), tmp_path / "rescuer.log"):
        (done,) = await wait_for(job_pool, [render.id], ENDED, timeout_s=90)
        await wait_job(job_pool, render.job_id or 0, "succeeded")
    assert done.status is RenderStatus.SUCCEEDED
    assert done.attempts == 2
    assert [p.name for p in artifacts(data_dir)] == [f"{render.id}.wav"]  # one artifact, no leftovers


# covers: S-OPS-2
async def test_sigterm_gives_a_long_render_back_and_another_worker_finishes_it(
    job_pool: AsyncConnectionPool, clean_database: str, data_dir: Path, tmp_path: Path
) -> None:
    render = await queue_render(job_pool, render_cues(300))  # 7 batches of 48 cues, 2 at a time
    slow = worker_env(
        clean_database, data_dir, FAKE_TTS_DELAY_S="2", SUBDUB_WORKER_CONCURRENCY="1", SUBDUB_SHUTDOWN_GRACE_SECONDS="1"
    )
    with worker_process(slow, tmp_path / "stopping.log") as stopping:
        await wait_running(job_pool, render.id)
        stopping.send_signal(signal.SIGTERM)
        assert stopping.wait(timeout=20) == 0
    given_back = await load_render(job_pool, render.id)
    assert given_back.status is RenderStatus.QUEUED
    assert (await job_row(job_pool, render.job_id or 0))[0] == "todo"
    with worker_process(worker_env(clean_database, data_dir), tmp_path / "next.log"):
        (done,) = await wait_for(job_pool, [render.id], ENDED, timeout_s=60)
    assert done.status is RenderStatus.SUCCEEDED and done.attempts == 2


# covers: S-JOB-2
async def test_a_permanent_failure_is_dead_lettered_and_an_admin_retry_succeeds_once_fixed(
    job_pool: AsyncConnectionPool, clean_database: str, data_dir: Path, tmp_path: Path
) -> None:
    flag = tmp_path / "credentials-revoked"
    flag.touch()
    render = await queue_render(job_pool, render_cues(3), trace_id="trace-dead-letter")
    env = worker_env(clean_database, data_dir, FAKE_TTS_REFUSE_WHILE=str(flag))
    with worker_process(env, tmp_path / "worker.log"):
        (failed,) = await wait_for(job_pool, [render.id], ENDED)
        assert failed.status is RenderStatus.FAILED
        assert failed.attempts == 1  # permanent: no retry
        assert failed.error is not None and failed.error["code"] == "provider_auth_refused"
        assert failed.error["trace_id"] == "trace-dead-letter" and failed.error["status"] == 401
        await wait_job(job_pool, render.job_id or 0, "failed")
        page = await ListJobs(queued_uow(job_pool)).execute(ADMIN, PageRequest(limit=50), status="failed")
        (job,) = page.items
        assert (job.id, job.task, job.status) == (render.job_id, "subdub:render", "failed")
        assert job.trace_id == "trace-dead-letter" and job.last_error and "refused" in job.last_error
        assert job.created_at is not None

        flag.unlink()  # the cause is fixed
        requeued = await RetryJob(queued_uow(job_pool), SystemClock()).execute(ADMIN, render.job_id or 0)
        assert requeued.status == "todo"
        (done,) = await wait_for(job_pool, [render.id], {RenderStatus.SUCCEEDED}, timeout_s=30)
    assert done.error is None and len(artifacts(data_dir)) == 1
    still_failed = await ListJobs(queued_uow(job_pool)).execute(ADMIN, PageRequest(limit=50), status="failed")
    assert still_failed.items == []


# covers: S-JOB-3
async def test_a_render_completes_after_the_database_comes_back(
    job_pool: AsyncConnectionPool, clean_database: str, data_dir: Path, tmp_path: Path
) -> None:
    # 320 cues = 5 engine batches of 64, each held 1 s by the fake: the render is still running when the cut comes
    render = await queue_render(job_pool, render_cues(320))
    with cuttable_proxy(clean_database) as proxy:
        info = conninfo_to_dict(proxy.url)
        via_proxy = f"postgresql://{info.get('user', 'postgres')}@127.0.0.1:{proxy.port}/{info['dbname']}"
        env = worker_env(via_proxy, data_dir, FAKE_TTS_DELAY_S="1.0", SUBDUB_WORKER_CONCURRENCY="1")
        with worker_process(env, tmp_path / "worker.log"):
            await wait_running(job_pool, render.id)
            proxy.cut()
            await asyncio.sleep(3)
            proxy.restore()
            (done,) = await wait_for(job_pool, [render.id], ENDED, timeout_s=90)
    assert done.status is RenderStatus.SUCCEEDED, done.error
    assert [p.name for p in artifacts(data_dir)] == [f"{render.id}.wav"]
