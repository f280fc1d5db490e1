"""Processes that always stop: no process of a run survives it, however it was stopped."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from psycopg_pool import AsyncConnectionPool

from domain.render_options import RenderOptions
from domain.renders import RenderStatus
from domain.voices import VoiceRef
from tests.support.jobs import load_render, queue_render, render_cues, worker_env
from tests.support.processes import session_members, wait_until_gone
from tests.support.server import free_port

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]
ROOT = Path(__file__).resolve().parents[2]
ESPEAK = RenderOptions(voice=VoiceRef(engine="espeak", name="en-us"), format="wav", sample_rate=16000)
GRACE_S = 1.0


def srt(count: int) -> str:
    def stamp(ms: int) -> str:
        return f"{ms // 3_600_000:02}:{ms // 60_000 % 60:02}:{ms // 1000 % 60:02},{ms % 1000:03}"

    return "\n".join(
        f"{i + 1}\n{stamp(i * 1500)} --> {stamp(i * 1500 + 1200)}\nline number {i} of a long film\n"
        for i in range(count)
    )


def engines_of(session_id: int) -> list[int]:
    """The session's processes with the espeak-ng library loaded (engine workers that have started)."""
    engines = []
    for pid in session_members(session_id):
        try:
            if "espeak" in Path(f"/proc/{pid}/maps").read_text():
                engines.append(pid)
        except OSError:
            continue
    return engines


def test_sigkill_to_subdub_render_leaves_no_engine_process(tmp_path: Path) -> None:
    (tmp_path / "film.srt").write_text(srt(2000))
    env = worker_env("postgresql://unused@127.0.0.1:1/none", tmp_path / "data")
    render = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli.main", "render", "film.srt", "-o", "film.wav"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180  # engine processes import the CLI first: slow on a loaded machine
        while len(engines_of(render.pid)) < 2 and time.monotonic() < deadline:
            assert render.poll() is None, "the render ended before it could be killed"
            time.sleep(0.2)
        assert len(engines_of(render.pid)) >= 2, "the engine never started"
        render.send_signal(signal.SIGKILL)
        render.wait(timeout=10)
        assert wait_until_gone(render.pid, timeout_s=10) == []
    finally:
        for pid in session_members(render.pid):
            subprocess.run(["kill", "-9", str(pid)], check=False)


async def wait_ready_with_worker(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            assert process.poll() is None, "subdub run exited early"
            try:
                checks = (await client.get(f"{base}/health/ready")).json()["checks"]
                if "worker alive" in checks["queue"].get("detail", ""):
                    return
            except (httpx.HTTPError, KeyError, ValueError):
                pass
            await asyncio.sleep(0.3)
    raise AssertionError("subdub run never became ready with its worker")


async def wait_rendering(pool: AsyncConnectionPool, render_id: object) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        render = await load_render(pool, render_id)  # type: ignore[arg-type]
        if render.status is RenderStatus.RUNNING and render.progress.done >= 1:
            return
        assert render.status in (RenderStatus.QUEUED, RenderStatus.RUNNING), render.status
        await asyncio.sleep(0.1)
    raise AssertionError("the render never got going")


# covers: S-OPS-2
async def test_sigterm_to_subdub_run_mid_render_gives_the_render_back_and_leaves_nothing_running(
    pool: AsyncConnectionPool, clean_database: str, tmp_path: Path
) -> None:
    port = free_port()
    env = worker_env(
        clean_database,
        tmp_path / "data",
        SUBDUB_HTTP_PORT=str(port),
        SUBDUB_SHUTDOWN_GRACE_SECONDS=str(GRACE_S),
        SUBDUB_WORKER_CONCURRENCY="1",
    )
    log = (tmp_path / "run.log").open("wb")
    run = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli.main", "run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        await wait_ready_with_worker(f"http://127.0.0.1:{port}", run)
        render = await queue_render(pool, render_cues(1500), options=ESPEAK)
        await wait_rendering(pool, render.id)
        run.send_signal(signal.SIGTERM)
        exit_code = await asyncio.to_thread(run.wait, 60)
        left = await asyncio.to_thread(wait_until_gone, run.pid, GRACE_S + 5)
        assert exit_code == 0
        assert left == []
        assert (await load_render(pool, render.id)).status is RenderStatus.QUEUED
    finally:
        for pid in session_members(run.pid):
            subprocess.run(["kill", "-9", str(pid)], check=False)
        log.close()
    output = (tmp_path / "run.log").read_text()
    assert output.index("api.stopped") < output.index("worker.stopped"), "the API stops before the worker"
