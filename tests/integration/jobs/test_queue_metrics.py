"""Queue depth, outcomes and durations on /metrics; the queue and worker heartbeat on /health/ready."""

from __future__ import annotations

from pathlib import Path

import pytest
from psycopg_pool import AsyncConnectionPool

from domain.renders import RenderStatus
from tests.support.app import api_client
from tests.support.jobs import queue_render, render_cues, wait_for, wait_job, worker_env, worker_process

pytestmark = pytest.mark.slow


# covers: S-OBS-4
async def test_metrics_and_readiness_report_the_queue_and_the_workers(
    job_pool: AsyncConnectionPool, clean_database: str, data_dir: Path, tmp_path: Path
) -> None:
    flag = tmp_path / "refused"
    good = await queue_render(job_pool, render_cues(2))
    async with api_client(clean_database, tmp_path) as client:
        await client.container.renders.queue_metrics().refresh()  # type: ignore[attr-defined]
        before = (await client.get("/metrics")).text
        assert 'subdub_queue_jobs{status="todo"} 1.0' in before
        assert 'subdub_renders{status="queued"} 1.0' in before
        ready = (await client.get("/health/ready")).json()
        assert ready["checks"]["queue"]["status"] == "degraded"  # work waits and no worker is alive
        assert "1 queued" in ready["checks"]["queue"]["detail"]

        env = worker_env(clean_database, data_dir, FAKE_TTS_REFUSE_WHILE=str(flag))
        with worker_process(env, tmp_path / "worker.log"):
            await wait_for(job_pool, [good.id], {RenderStatus.SUCCEEDED})
            flag.touch()
            bad = await queue_render(job_pool, render_cues(2, text="never cached"))
            await wait_for(job_pool, [bad.id], {RenderStatus.FAILED})
            await wait_job(job_pool, good.job_id or 0, "succeeded")
            await wait_job(job_pool, bad.job_id or 0, "failed")
            ready = (await client.get("/health/ready")).json()
        queue = ready["checks"]["queue"]
        assert queue["status"] == "ok" and "1 failed" in queue["detail"] and "worker alive" in queue["detail"]

        await client.container.renders.queue_metrics().refresh()  # type: ignore[attr-defined]
        after = (await client.get("/metrics")).text
    assert 'subdub_queue_jobs{status="failed"} 1.0' in after  # the dead letter
    assert 'subdub_queue_jobs{status="todo"} 0.0' in after
    assert 'subdub_renders{status="queued"} 0.0' in after
    assert 'subdub_renders_finished_last_hour{status="succeeded"} 1.0' in after
    assert 'subdub_renders_finished_last_hour{status="failed"} 1.0' in after
    assert 'subdub_job_outcomes_last_hour{outcome="succeeded"} 1.0' in after
    assert 'subdub_job_outcomes_last_hour{outcome="failed"} 1.0' in after
    assert "subdub_render_duration_seconds_last_hour_gcount 1.0" in after
    assert 'subdub_render_duration_seconds_last_hour_bucket{le="+Inf"} 1.0' in after


# covers: S-OBS-4, S-API-5
async def test_the_metrics_leave_out_what_finished_more_than_an_hour_ago(
    job_pool: AsyncConnectionPool, clean_database: str, tmp_path: Path
) -> None:
    old = await queue_render(job_pool, render_cues(2))
    async with job_pool.connection() as conn:
        await conn.execute(
            "UPDATE renders SET status = 'succeeded', started_at = now() - interval '3 hours', "
            "finished_at = now() - interval '2 hours' WHERE id = %s",
            (old.id,),
        )
        await conn.execute("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id = %s", (old.job_id,))
        await conn.execute(
            "INSERT INTO procrastinate_events (job_id, type, at) VALUES (%s, 'succeeded', now() - interval '2 hours')",
            (old.job_id,),
        )
    async with api_client(clean_database, tmp_path) as client:
        await client.container.renders.queue_metrics().refresh()  # type: ignore[attr-defined]
        text = (await client.get("/metrics")).text
    assert 'subdub_renders_finished_last_hour{status="succeeded"} 0.0' in text
    assert 'subdub_job_outcomes_last_hour{outcome="succeeded"} 0.0' in text
    assert "subdub_render_duration_seconds_last_hour_gcount 0.0" in text
    assert 'subdub_queue_jobs{status="todo"} 0.0' in text
