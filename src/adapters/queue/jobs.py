"""The job queue inside a unit of work: procrastinate jobs deferred, cancelled and listed on the
unit of work's own connection, so they commit or roll back with the rest of its writes."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from procrastinate import App
from psycopg import AsyncConnection, sql

from adapters.postgres.queries import with_columns
from application.pagination import PageOf, PageRequest, page_from
from application.ports.renders import JobInfo, TrackImportJob

RENDER_TASK = "render"  # registered as "subdub:render" (the blueprint namespace)
RENDER_TASK_NAME = "subdub:render"
RENDER_QUEUE = "renders"
IMPORT_TASK = "import_track"  # registered as "subdub:import_track"
IMPORT_TASK_NAME = "subdub:import_track"
IMPORT_QUEUE = "imports"
VIDEO_FILL_TASK = "fill_project_video"  # registered as "subdub:fill_project_video"
VIDEO_FILL_TASK_NAME = "subdub:fill_project_video"
VIDEO_SWEEP_TASK = "refresh_pending_videos"  # the periodic safety net: "subdub:refresh_pending_videos"
VIDEOS_QUEUE = "videos"
MAINTENANCE_QUEUE = "maintenance"

JOB_COLUMNS = """
j.id, j.task_name, j.status::text, j.attempts, e.error, j.args ->> 'trace_id', j.scheduled_at,
(SELECT min(ev.at) FROM procrastinate_events ev WHERE ev.job_id = j.id AND ev.type = 'deferred')
"""


def _q(text: str) -> sql.Composed:
    return with_columns(text, JOB_COLUMNS)


LIST_JOBS = _q("""
SELECT {columns} FROM procrastinate_jobs j LEFT JOIN job_errors e ON e.job_id = j.id
WHERE (%(status)s::procrastinate_job_status IS NULL OR j.status = %(status)s) AND j.id < %(before)s
ORDER BY j.id DESC LIMIT %(limit)s
""")
GET_JOB = _q("SELECT {columns} FROM procrastinate_jobs j LEFT JOIN job_errors e ON e.job_id = j.id WHERE j.id = %(id)s")
# A dead letter goes back to the queue now, with a fresh retry budget.
RETRY = """
UPDATE procrastinate_jobs SET status = 'todo', attempts = 0, scheduled_at = now(), abort_requested = false
WHERE id = %(id)s AND status IN ('failed', 'cancelled', 'aborted')
"""
# procrastinate's workers listen on this channel for new work (its insert trigger does the same).
WAKE_WORKERS = "SELECT pg_notify('procrastinate_any_queue_v1', %(payload)s)"
MAX_JOB_ID = (1 << 63) - 1


def job_from_row(row: Any) -> JobInfo:
    return JobInfo(
        id=row[0],
        task=row[1],
        status=row[2],
        attempts=row[3],
        last_error=row[4],
        trace_id=row[5],
        scheduled_at=row[6],
        created_at=row[7],
    )


class ProcrastinateJobQueue:
    def __init__(self, app: App, conn: AsyncConnection[Any]) -> None:
        self._app = app
        self._conn = conn

    async def defer_render(self, render_id: UUID, *, trace_id: str | None) -> int:
        deferrer = self._app.configure_task(RENDER_TASK_NAME, queue=RENDER_QUEUE, connection=self._conn)
        return await deferrer.defer_async(render_id=str(render_id), trace_id=trace_id)

    async def defer_track_import(self, job: TrackImportJob) -> int:
        deferrer = self._app.configure_task(IMPORT_TASK_NAME, queue=IMPORT_QUEUE, connection=self._conn)
        return await deferrer.defer_async(
            project_id=str(job.project_id),
            user_id=str(job.user_id),
            provider=job.provider,
            file_id=job.file_id,
            language=job.language,
            trace_id=job.trace_id,
        )

    async def defer_video_fill(self, project_id: UUID, *, trace_id: str | None) -> int:
        deferrer = self._app.configure_task(VIDEO_FILL_TASK_NAME, queue=VIDEOS_QUEUE, connection=self._conn)
        return await deferrer.defer_async(project_id=str(project_id), trace_id=trace_id)

    async def cancel(self, job_id: int) -> bool:
        return await self._app.job_manager.cancel_job_by_id_async(job_id, connection=self._conn)

    async def list(self, page: PageRequest[int], *, status: str | None) -> PageOf[JobInfo]:
        params = {"status": status, "before": page.after or MAX_JOB_ID, "limit": page.fetch}
        cur = await self._conn.execute(LIST_JOBS, params)
        return page_from([job_from_row(row) for row in await cur.fetchall()], page, lambda job: job.id)

    async def get(self, job_id: int) -> JobInfo | None:
        cur = await self._conn.execute(GET_JOB, {"id": job_id})
        row = await cur.fetchone()
        return None if row is None else job_from_row(row)

    async def retry(self, job_id: int) -> bool:
        cur = await self._conn.execute(RETRY, {"id": job_id})
        if cur.rowcount == 0:
            return False
        await self._conn.execute(WAKE_WORKERS, {"payload": json.dumps({"type": "job_inserted", "job_id": job_id})})
        return True
