"""Real worker processes render queued renders against real PostgreSQL (fake speech engine)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import soundfile
from psycopg_pool import AsyncConnectionPool

from domain.renders import RenderStatus
from tests.integration.jobs.conftest import artifacts
from tests.support.jobs import job_row, queue_render, render_cues, wait_for, wait_job, worker_env, worker_process

pytestmark = pytest.mark.slow


# covers: S-JOB-1, S-JOB-3, S-JOB-4
async def test_a_queued_render_runs_in_the_worker_and_reports_progress(
    job_pool: AsyncConnectionPool, clean_database: str, data_dir: Path, tmp_path: Path
) -> None:
    render = await queue_render(job_pool, render_cues(12), trace_id="trace-abc-123")
    log = tmp_path / "worker.log"
    with worker_process(worker_env(clean_database, data_dir), log):
        (done,) = await wait_for(job_pool, [render.id], {RenderStatus.SUCCEEDED, RenderStatus.FAILED})
        await wait_job(job_pool, render.job_id or 0, "succeeded")
    assert done.status is RenderStatus.SUCCEEDED, done.error
    assert done.attempts == 1
    assert done.progress.done == done.progress.total == 24
    assert done.heartbeat_at is not None and done.started_at is not None and done.finished_at is not None
    assert done.stats is not None and done.stats["cues"] == 12 and done.stats["synthesized"] == 12
    assert done.duration_ms is not None and done.duration_ms >= 11 * 1500 + 1200
    (artifact,) = artifacts(data_dir)
    assert artifact.name == f"{render.id}.wav"
    assert artifact.stat().st_size == done.size_bytes
    audio, rate = soundfile.read(io.BytesIO(artifact.read_bytes()))
    assert rate == 16000 and len(audio) / rate * 1000 >= 11 * 1500
    assert await job_row(job_pool, render.job_id or 0) == ("succeeded", 1)  # procrastinate counts finished runs
    # every log line of the job carries the request's trace id; start and finish (with duration) are logged
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    job_lines = [line for line in lines if line.get("job_id") == render.job_id]
    events = {line["event"] for line in job_lines}
    assert {"job.started", "job.finished"} <= events
    assert all(line.get("trace_id") == "trace-abc-123" for line in job_lines)
    assert any("duration_ms" in line for line in job_lines if line["event"] == "job.finished")
