"""Fair rendering benchmarks, written to bench/RESULTS.md under "## Fair rendering".

One worker process (2 ordinary slots) against a scratch database. User A's two 5 000-cue renders take
both ordinary slots; then user B asks for a 2-cue render. Measured: how long B's render waits to start
and to finish, with the worker's small-render slot (`SUBDUB_WORKER_SMALL_RENDER_SLOTS=1`, the default)
and without it (`0`: every slot takes any render, as before), in the same run; then how long A's
running renders take to be `cancelled` after `POST /cancel` (the use case the route calls).

Two engines: the fake engine of the tests slowed to 0.3 s a call (deterministic; the "before" wait is
a whole huge render, waited for up to 120 s) and espeak-ng (real CPU; the "before" wait is cut at 40 s
to bound the CPU the bench burns, so it may read "over 40 s").

Run: TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/fairness.py
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg_pool import AsyncConnectionPool

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _render_support import work_root  # noqa: E402
from tests.support.database import migrated_database, postgres_server  # noqa: E402
from tests.support.jobs import (  # noqa: E402
    load_render,
    queue_render,
    render_cues,
    seed_track,
    wait_for,
    worker_env,
    worker_process,
)

from adapters.postgres.pool import make_pool  # noqa: E402
from adapters.postgres.queued_unit_of_work import PostgresQueuedUnitOfWork  # noqa: E402
from adapters.queue.fair_claims import CLAIM, CLAIM_LOCK  # noqa: E402
from adapters.queue.procrastinate_app import make_queue_app  # noqa: E402
from adapters.system import SystemClock  # noqa: E402
from application.actor import Actor, GlobalRole  # noqa: E402
from application.use_cases.renders.cancel_render import CancelRender  # noqa: E402
from domain.render_options import RenderOptions  # noqa: E402
from domain.renders import Render, RenderStatus  # noqa: E402
from domain.voices import VoiceRef  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
NOTES = """
Reading the figures:
- Without the small-render slot B's render waits for one of A's to end (the fake engine's whole
  5 000-cue render, ~65 s; with espeak-ng the bench stops waiting at 40 s). With it, B starts within a
  second (the worker's next claim, woken by the insert's notification).
- With espeak-ng B's render starts at once but takes ~5 s to finish: its clips queue in the worker's
  one espeak process pool behind the batches A's renders already put there (first in, first out; up to
  4 batches of 64 cues per render). A per-render round robin in front of the engine pool would cut that.
- A fair claim reads every waiting render job to order them by their user's running renders: ~4 ms
  with 5 000 waiting, against procrastinate's index-only pick. Claims happen once per freed slot (and
  per idle poll), one at a time under the claim lock, so this bounds the system at a few hundred
  claims a second, far above what render jobs of seconds to hours need.
- Cancel: before this change a running render saw a cancel at its next heartbeat write (every 2 s or
  5 % of progress) and stopped only when its next cue batch began, with the batches in the engine run
  to their end: `tests/integration/jobs/test_cancel_running_render.py` (engine calls of 3 s) measured
  3.0 s with that path and 0.09 s with the new one, in the same session.
"""
CORES = os.cpu_count() or 1
HUGE = 5_000
LONG_LINE = "this is a long line of dialogue that keeps the engine busy for a while"
ENGINES = {  # name: (fake engine?, render options, worker environment, longest wait measured in s)
    "fake (0.3 s a call)": (
        True,
        RenderOptions(voice=VoiceRef(engine="fake", name="en-test"), format="wav", sample_rate=16000),
        {"FAKE_TTS_DELAY_S": "0.3"},
        120.0,
    ),
    "espeak-ng": (False, RenderOptions(voice=VoiceRef(engine="espeak", name="en-us"), format="wav"), {}, 40.0),
}


async def wait_status(pool: AsyncConnectionPool, render: Render, statuses: set[RenderStatus], cap_s: float) -> float:
    """Seconds until the render reaches one of `statuses` (inf when it does not within `cap_s`)."""
    started = time.monotonic()
    while time.monotonic() - started < cap_s:
        if (await load_render(pool, render.id)).status in statuses:
            return time.monotonic() - started
        await asyncio.sleep(0.05)
    return float("inf")


async def cancel_latencies(pool: AsyncConnectionPool, renders: list[Render]) -> list[float]:
    queue_app = make_queue_app()
    latencies = []
    for render in renders:
        actor = Actor(user_id=render.requested_by, role=GlobalRole.MEMBER)
        asked = datetime.now(UTC)
        await CancelRender(PostgresQueuedUnitOfWork(pool, queue_app), SystemClock()).execute(actor, render.id)
        (done,) = await wait_for(pool, [render.id], {RenderStatus.CANCELLED}, timeout_s=60)
        assert done.finished_at is not None
        latencies.append((done.finished_at - asked).total_seconds())
    return latencies


async def scenario(url: str, work: Path, engine: str, small_slots: int) -> tuple[float, float, list[float]]:
    """(B's wait to start, to succeed, A's running renders' cancel latencies)."""
    fakes, options, extra, cap_s = ENGINES[engine]
    data = work / f"data-{'fake' if fakes else 'espeak'}-{small_slots}"
    data.mkdir()
    env = worker_env(url, data, SUBDUB_WORKER_SMALL_RENDER_SLOTS=str(small_slots), **extra)
    env.pop("SUBDUB_RENDER_HEARTBEAT_SECONDS")  # the shipped 2 s
    pool = make_pool(url, min_size=1, max_size=4)
    await pool.open(wait=True)
    try:
        user_a = await seed_track(pool)
        huge = [
            await queue_render(pool, render_cues(HUGE, text=LONG_LINE), owner=user_a, options=options) for _ in range(2)
        ]
        with worker_process(env, work / f"worker-{small_slots}.log", fakes=fakes):
            await wait_for(pool, [r.id for r in huge], {RenderStatus.RUNNING}, timeout_s=120)
            small = await queue_render(pool, render_cues(2), options=options)
            asked = time.monotonic()
            start = await wait_status(pool, small, {RenderStatus.RUNNING, RenderStatus.SUCCEEDED}, cap_s)
            left = cap_s - (time.monotonic() - asked)
            finish = await wait_status(pool, small, {RenderStatus.SUCCEEDED}, max(left, 0.0))
            if finish != float("inf"):
                finish = time.monotonic() - asked
            running = [r for r in huge if (await load_render(pool, r.id)).status is RenderStatus.RUNNING]
            cancels = await cancel_latencies(pool, running)
    finally:
        await pool.close()
    return start, finish, cancels


def seconds(value: float, cap_s: float) -> str:
    return f"over {cap_s:.0f} s" if value == float("inf") else f"{value:.2f} s"


CLAIM_USERS, CLAIM_WAITING, CLAIM_RUNNING, CLAIM_SAMPLES = 500, 5_000, 40, 200
FILL_QUEUE = """
WITH u AS (
    INSERT INTO users (id, email, display_name, password_hash, role, created_at, updated_at)
    SELECT gen_random_uuid(), 'claim' || n || '@example.com', 'Claims', 'x', 'member', now(), now()
    FROM generate_series(1, %(users)s) AS n RETURNING id
), numbered AS (
    SELECT id, row_number() OVER () - 1 AS n FROM u
), j AS (
    INSERT INTO procrastinate_jobs (queue_name, task_name, args, status)
    SELECT 'renders', 'subdub:render', '{}'::jsonb, 'todo' FROM generate_series(1, %(jobs)s) RETURNING id
)
INSERT INTO renders (id, track_id, requested_by, status, options, cues, cue_count, progress_done, progress_total,
                     format, blob_key, job_id, created_at, updated_at)
SELECT gen_random_uuid(), %(track)s, numbered.id, 'queued', '{}', '[]', 300, 0, 600, 'wav', 'k', j.id, now(), now()
FROM j JOIN numbered ON numbered.n = j.id %% %(users)s
"""
FAIR_RULES = {"queues": None, "running_per_user": 2, "large_slots": 2, "small_cues": 200}
PLAIN_CLAIM = "SELECT id FROM procrastinate_fetch_job_v2(NULL, %(worker_id)s)"


def claim_ms(url: str, statements: list[str], parameters: dict[str, object]) -> float:
    """Median time of one claim (each in a transaction rolled back, so every sample sees the same queue)."""
    times = []
    with psycopg.connect(url) as conn:
        for _ in range(CLAIM_SAMPLES):
            started = time.perf_counter()
            for statement in statements:
                conn.execute(statement, parameters)
            times.append((time.perf_counter() - started) * 1000)
            conn.rollback()
    return statistics.median(times)


async def claim_rows(url: str) -> list[tuple[str, str, str]]:
    pool = make_pool(url, min_size=1, max_size=2)
    await pool.open(wait=True)
    try:
        _, track = await seed_track(pool)
    finally:
        await pool.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM renders")
        conn.execute("DELETE FROM procrastinate_jobs")
        conn.execute(FILL_QUEUE, {"users": CLAIM_USERS, "jobs": CLAIM_WAITING + CLAIM_RUNNING, "track": track})
        row = conn.execute("INSERT INTO procrastinate_workers DEFAULT VALUES RETURNING id").fetchone()
        worker = int(row[0]) if row else 0
        conn.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %(w)s "
            "WHERE id IN (SELECT id FROM procrastinate_jobs ORDER BY id LIMIT %(n)s)",
            {"w": worker, "n": CLAIM_RUNNING},
        )
        conn.execute("ANALYZE")
    fair = claim_ms(url, [CLAIM_LOCK, CLAIM], {**FAIR_RULES, "worker_id": worker})
    plain = claim_ms(url, [PLAIN_CLAIM], {"worker_id": worker})
    return [
        (
            f"one claim, {CLAIM_WAITING:,} renders of {CLAIM_USERS} users waiting, {CLAIM_RUNNING} running (median)",
            f"{fair:.2f} ms (the fair claim: lock + query)",
            f"{plain:.2f} ms (procrastinate's own fetch, same queue)",
        )
    ]


async def measure(url: str, work: Path) -> list[tuple[str, str, str]]:
    rows = []
    for engine, (_, _, _, cap_s) in ENGINES.items():
        before = await scenario(url, work, engine, small_slots=0)
        after = await scenario(url, work, engine, small_slots=1)
        rows.append(
            (
                f"{engine}: B's 2-cue render started / succeeded after",
                f"{seconds(after[0], cap_s)} / {seconds(after[1], cap_s)}",
                f"{seconds(before[0], cap_s)} / {seconds(before[1], cap_s)} without the small-render slot",
            )
        )
        cancels = before[2] + after[2]
        if cancels:
            rows.append(
                (
                    f"{engine}: running 5 000-cue render `cancelled` after the request",
                    f"{min(cancels):.2f}–{max(cancels):.2f} s ({len(cancels)} renders)",
                    "≤ 1 s",
                )
            )
    return rows + await claim_rows(url)


def write_section(rows: list[tuple[str, str, str]], load: tuple[float, float]) -> None:
    heading = "## Fair rendering"
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        f"Measured {stamp} by `bench/fairness.py` ({CORES} cores, 1-min load average {load[0]:.1f} before and "
        f"{load[1]:.1f} after). One worker with 2 ordinary slots, both held by user A's two {HUGE:,}-cue "
        "renders when user B asks for a 2-cue render; baseline in the same run: the same worker without "
        "its small-render slot.",
        "",
        "| figure | result | baseline |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
        *NOTES.rstrip().splitlines(),
    ]
    existing = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"{re.escape(heading)}\n.*?(?=\n## |\Z)", re.S)
    section = f"{heading}\n" + "\n".join(lines) + "\n"
    updated = pattern.sub(section, existing) if pattern.search(existing) else existing.rstrip() + "\n\n" + section
    RESULTS.write_text(updated)


def main() -> None:
    load_before = os.getloadavg()[0]
    with (
        postgres_server() as admin,
        migrated_database(admin, "benchfair") as url,
        tempfile.TemporaryDirectory(dir=work_root()) as tmp,
    ):
        rows = asyncio.run(measure(url, Path(tmp)))
    for row in rows:
        print(" | ".join(row), flush=True)
    write_section(rows, (load_before, os.getloadavg()[0]))


if __name__ == "__main__":
    main()
