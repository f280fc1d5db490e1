"""Cancelling a running render stops it within a second (a real worker, the fake engine slowed down):
the cancel request wakes the worker through LISTEN/NOTIFY, the render is `cancelled`, and the engine
synthesizes nothing more for it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.queued_unit_of_work import PostgresQueuedUnitOfWork
from adapters.queue.procrastinate_app import make_queue_app
from adapters.system import SystemClock
from application.actor import Actor, GlobalRole
from application.use_cases.renders.cancel_render import CancelRender
from domain.renders import RenderStatus
from tests.support.jobs import queue_render, render_cues, wait_for, worker_env, worker_process

pytestmark = pytest.mark.slow


def synthesis_times(call_log: Path) -> list[float]:
    return [float(line.split()[0]) for line in call_log.read_text().splitlines()] if call_log.exists() else []


async def test_a_running_render_stops_within_a_second_of_its_cancel(
    job_pool: AsyncConnectionPool, clean_database: str, data_dir: Path, tmp_path: Path
) -> None:
    render = await queue_render(job_pool, render_cues(5_000))
    call_log = tmp_path / "engine-calls.log"
    env = worker_env(
        clean_database,
        data_dir,
        FAKE_TTS_DELAY_S="3",  # one engine call outlasts the heartbeat: waiting for a batch to end is too late
        FAKE_TTS_CALL_LOG=str(call_log),
        SUBDUB_RENDER_HEARTBEAT_SECONDS="2",  # the shipped interval: the cancel must not wait for a beat
    )
    with worker_process(env, tmp_path / "worker.log"):
        await wait_for(job_pool, [render.id], {RenderStatus.RUNNING}, timeout_s=120)
        for _ in range(1200):  # until well into synthesis (at most a minute)
            if len(synthesis_times(call_log)) >= 4:
                break
            await asyncio.sleep(0.05)
        queue_app = make_queue_app()
        actor = Actor(user_id=render.requested_by, role=GlobalRole.MEMBER)
        asked = datetime.now(UTC)
        answer = await CancelRender(PostgresQueuedUnitOfWork(job_pool, queue_app), SystemClock()).execute(
            actor, render.id
        )
        assert answer.cancel_requested and answer.status is RenderStatus.RUNNING
        (stopped,) = await wait_for(job_pool, [render.id], {RenderStatus.CANCELLED}, timeout_s=10)
        assert stopped.finished_at is not None
        latency = (stopped.finished_at - asked).total_seconds()
        calls_when_stopped = len(synthesis_times(call_log))
        await asyncio.sleep(1.5)
        later = synthesis_times(call_log)
    assert latency < 1.0, f"the render stopped {latency:.2f} s after the cancel"
    assert len(later) == calls_when_stopped, "the engine kept synthesizing for a cancelled render"
    assert all(at <= stopped.finished_at.timestamp() for at in later)
    assert stopped.progress.done < stopped.progress.total
