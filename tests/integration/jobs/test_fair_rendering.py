"""A real worker (two slots, the fake engine slowed down) shared fairly: while one user's two huge
renders hold both slots, another user's 2-cue render starts and finishes within seconds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from psycopg_pool import AsyncConnectionPool

from domain.renders import RenderStatus
from tests.support.jobs import queue_render, render_cues, seed_track, wait_for, worker_env, worker_process

pytestmark = pytest.mark.slow

HUGE = 5_000


async def test_a_small_render_finishes_while_huge_ones_hold_every_slot(
    job_pool: AsyncConnectionPool, clean_database: str, data_dir: Path, tmp_path: Path
) -> None:
    user_a = await seed_track(job_pool)
    huge = [await queue_render(job_pool, render_cues(HUGE), owner=user_a) for _ in range(2)]
    # every engine call takes 0.3 s: a huge render needs tens of seconds, a 2-cue one about a second
    env = worker_env(clean_database, data_dir, FAKE_TTS_DELAY_S="0.3", SUBDUB_WORKER_CONCURRENCY="2")
    with worker_process(env, tmp_path / "worker.log"):
        await wait_for(job_pool, [r.id for r in huge], {RenderStatus.RUNNING}, timeout_s=120)
        small = await queue_render(job_pool, render_cues(2))  # user B
        asked = time.monotonic()
        (done,) = await wait_for(job_pool, [small.id], {RenderStatus.SUCCEEDED, RenderStatus.FAILED}, timeout_s=60)
        waited = time.monotonic() - asked
        still = await wait_for(job_pool, [r.id for r in huge], {RenderStatus.RUNNING}, timeout_s=1)
    assert done.status is RenderStatus.SUCCEEDED, done.error
    assert waited < 10, f"the small render took {waited:.1f} s"
    assert all(render.progress.done < render.progress.total for render in still)
