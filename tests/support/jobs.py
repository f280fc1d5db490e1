"""Worker processes and queued renders for the job tests (real PostgreSQL, real procrastinate)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

from psycopg_pool import AsyncConnectionPool

from adapters.postgres.queued_unit_of_work import PostgresQueuedUnitOfWork
from adapters.queue.procrastinate_app import make_queue_app
from adapters.system import SystemClock, Uuid7Generator
from domain.render_options import RenderOptions
from domain.renders import Progress, Render, RenderStatus
from domain.timing import RenderCue
from domain.voices import VoiceRef
from entrypoints.wiring import TASK_MODULES

ROOT = Path(__file__).resolve().parents[2]
FAKE_VOICE = VoiceRef(engine="fake", name="en-test")
FAST_JOBS = {
    "SUBDUB_WORKER_HEARTBEAT_SECONDS": "0.5",
    "SUBDUB_JOB_STALLED_AFTER_SECONDS": "15",
    "SUBDUB_JOB_RECOVERY_INTERVAL_SECONDS": "0.5",
    "SUBDUB_WORKER_POLL_SECONDS": "0.2",
    "SUBDUB_JOB_RETRY_BASE_SECONDS": "0.05",
    "SUBDUB_JOB_RETRY_MAX_SECONDS": "0.5",
    "SUBDUB_RENDER_HEARTBEAT_SECONDS": "0.5",
    "SUBDUB_SHUTDOWN_GRACE_SECONDS": "5",
    "SUBDUB_JOB_RETENTION_DAYS": "0",  # no periodic job: tests count the jobs in the queue
}


def worker_env(database_url: str, data_dir: Path, **overrides: str) -> dict[str, str]:
    return {
        **os.environ,
        "SUBDUB_ENV": "test",
        "DATABASE_URL": database_url,
        "SUBDUB_DATA_DIR": str(data_dir),
        "SUBDUB_JWT_SECRET": "w" * 40,
        "SUBDUB_LOG_FORMAT": "json",
        "SUBDUB_WORKER_CONCURRENCY": "2",
        # No test reaches the real Dailymotion (and without it the worker schedules no periodic video sweep).
        "DAILYMOTION_ENABLED": "false",
        "DATABASE_POOL_MIN": "1",
        "DATABASE_POOL_MAX": "4",
        **FAST_JOBS,
        **overrides,
    }


@contextmanager
def worker_process(env: dict[str, str], log_path: Path, *, fakes: bool = True) -> Iterator[subprocess.Popen[bytes]]:
    module = "tests.support.worker_with_fakes" if fakes else "entrypoints.cli.main"
    args = [sys.executable, "-m", module] + ([] if fakes else ["worker"])
    with log_path.open("ab") as log:
        process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=20)


def render_cues(count: int, *, every_ms: int = 1500, text: str = "hello there") -> list[RenderCue]:
    return [
        RenderCue(id=f"c{i}", start_ms=i * every_ms, end_ms=i * every_ms + 1200, text=f"{text} {i}")
        for i in range(count)
    ]


async def seed_track(pool: AsyncConnectionPool) -> tuple[UUID, UUID]:
    """A user owning a project with one (empty) track: what renders hang off. Returns (user id, track id)."""
    ids, now = Uuid7Generator(), SystemClock().now()
    user, project, track = ids.new_id(), ids.new_id(), ids.new_id()
    async with pool.connection() as conn:
        await conn.execute(
            "INSERT INTO users (id, email, display_name, password_hash, role, created_at, updated_at) "
            "VALUES (%s, %s, 'Job Tester', 'x', 'member', %s, %s)",
            (user, f"{user}@example.com", now, now),
        )
        await conn.execute(
            "INSERT INTO projects (id, title, owner_id, created_at, updated_at) VALUES (%s, 'Jobs', %s, %s, %s)",
            (project, user, now, now),
        )
        await conn.execute(
            "INSERT INTO project_members (project_id, user_id, role, created_at, updated_at) "
            "VALUES (%s, %s, 'owner', %s, %s)",
            (project, user, now, now),
        )
        await conn.execute(
            "INSERT INTO tracks (id, project_id, language, source, created_at, updated_at) "
            "VALUES (%s, %s, 'en', '{}'::jsonb, %s, %s)",
            (track, project, now, now),
        )
    return user, track


async def queue_render(
    pool: AsyncConnectionPool,
    cues: Sequence[RenderCue],
    *,
    track_id: UUID | None = None,
    options: RenderOptions | None = None,
    trace_id: str | None = "trace-test",
    owner: tuple[UUID, UUID] | None = None,
) -> Render:
    """What RequestRender does once the caller is authorised: the render row and its job, one transaction.

    `owner` (user id, track id, from `seed_track`) makes several renders one user's; by default each
    render is a new user's.
    """
    options = options or RenderOptions(voice=FAKE_VOICE, format="wav", sample_rate=16000)
    ids, now = Uuid7Generator(), SystemClock().now()
    user, seeded_track = owner or await seed_track(pool)
    async with PostgresQueuedUnitOfWork(pool, make_queue_app(task_modules=TASK_MODULES)) as uow:
        render_id = ids.new_id()
        job_id = await uow.jobs.defer_render(render_id, trace_id=trace_id)
        render = Render(
            id=render_id,
            track_id=track_id or seeded_track,
            requested_by=user,
            status=RenderStatus.QUEUED,
            options=options,
            cue_count=len(cues),
            progress=Progress(done=0, total=2 * len(cues)),
            trace_id=trace_id,
            job_id=job_id,
            created_at=now,
            updated_at=now,
        )
        await uow.renders.add(render, cues)
        await uow.commit()
    return render


async def load_render(pool: AsyncConnectionPool, render_id: UUID) -> Render:
    async with PostgresQueuedUnitOfWork(pool, make_queue_app()) as uow:
        render = await uow.renders.get(render_id)
    assert render is not None
    return render


async def wait_for(
    pool: AsyncConnectionPool, render_ids: Sequence[UUID], statuses: set[RenderStatus], *, timeout_s: float = 60
) -> list[Render]:
    deadline = time.monotonic() + timeout_s
    while True:
        renders = [await load_render(pool, render_id) for render_id in render_ids]
        if all(render.status in statuses for render in renders):
            return renders
        if time.monotonic() > deadline:
            summary = {str(r.id)[-6:]: (r.status.value, r.attempts, r.error) for r in renders}
            raise AssertionError(f"renders did not reach {statuses}: {summary}")
        await asyncio.sleep(0.1)


async def job_row(pool: AsyncConnectionPool, job_id: int) -> tuple[str, int]:
    async with pool.connection() as conn:
        cur = await conn.execute("SELECT status::text, attempts FROM procrastinate_jobs WHERE id = %s", (job_id,))
        row = await cur.fetchone()
    assert row is not None
    return row[0], row[1]


async def wait_job(pool: AsyncConnectionPool, job_id: int, status: str, *, timeout_s: float = 30) -> None:
    """The worker records a job's outcome just after the render's own (a separate transaction)."""
    deadline = time.monotonic() + timeout_s
    while (await job_row(pool, job_id))[0] != status:
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} never became {status}: {await job_row(pool, job_id)}")
        await asyncio.sleep(0.05)
