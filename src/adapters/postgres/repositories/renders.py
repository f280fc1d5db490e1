"""Renders in PostgreSQL. Every state change also NOTIFYs `render_events` (delivered on commit),
which is what the event stream of a render listens to; a cancel request also NOTIFYs `render_cancels`,
which is what the worker running the render listens to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from adapters.postgres.queries import with_columns
from adapters.postgres.repositories.casts import voices_of
from application.pagination import PageOf, PageRequest, page_from
from application.ports.renders import HeartbeatAck, RenderAccess, TrackRole
from domain.cast import Cast
from domain.projects import ProjectRole
from domain.render_options import RenderOptions
from domain.render_report import CueFitReport
from domain.renders import Progress, Render, RenderStatus
from domain.timing import RenderCue
from domain.voices import VoiceRef

CHANNEL = "render_events"
CANCEL_CHANNEL = "render_cancels"
MAX_UUID = UUID(int=(1 << 128) - 1)

COLUMNS = (
    "r.id, r.track_id, r.requested_by, r.status, r.options, r.cue_count, r.progress_done, r.progress_total, "
    "r.heartbeat_at, r.attempts, r.cancel_requested, r.stats, r.duration_ms, r.size_bytes, r.error, r.trace_id, "
    "r.job_id, r.created_at, r.updated_at, r.started_at, r.finished_at"
)


def _q(text: str) -> sql.Composed:
    return with_columns(text, COLUMNS)


INSERT = """
INSERT INTO renders (id, track_id, requested_by, status, options, cues, cue_count, progress_done, progress_total,
                     format, blob_key, trace_id, job_id, created_at, updated_at)
VALUES (%(id)s, %(track_id)s, %(requested_by)s, %(status)s, %(options)s, %(cues)s, %(cue_count)s, 0, %(total)s,
        %(format)s, %(blob_key)s, %(trace_id)s, %(job_id)s, %(created_at)s, %(created_at)s)
"""
SELECT_ONE = _q("SELECT {columns} FROM renders r WHERE r.id = %(id)s")
SELECT_BY_JOB = _q("SELECT {columns} FROM renders r WHERE r.job_id = %(job)s")
SELECT_ACCESS = _q("""
SELECT {columns}, m.role AS member_role FROM renders r
LEFT JOIN tracks t ON t.id = r.track_id AND t.deleted_at IS NULL
LEFT JOIN projects p ON p.id = t.project_id AND p.deleted_at IS NULL
LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = %(user_id)s
WHERE r.id = %(id)s
""")
SELECT_PAGE = _q("""
SELECT {columns} FROM renders r WHERE r.track_id = %(track_id)s AND r.id < %(before)s ORDER BY r.id DESC LIMIT %(limit)s
""")
START = _q("""
UPDATE renders r SET status = 'running', attempts = r.attempts + 1, heartbeat_at = %(at)s, updated_at = %(at)s,
       started_at = COALESCE(r.started_at, %(at)s), progress_done = 0
WHERE r.id = %(id)s AND r.status IN ('queued', 'running')
RETURNING {columns}
""")
HEARTBEAT = """
UPDATE renders SET progress_done = %(done)s, progress_total = %(total)s, heartbeat_at = %(at)s, updated_at = %(at)s
WHERE id = %(id)s AND status = 'running' AND (%(run)s::int IS NULL OR attempts = %(run)s)
RETURNING cancel_requested
"""
SUCCEED = """
UPDATE renders SET status = 'succeeded', stats = %(stats)s, report = %(report)s, duration_ms = %(duration_ms)s,
       size_bytes = %(size_bytes)s, progress_done = progress_total, error = NULL, heartbeat_at = %(at)s,
       updated_at = %(at)s, finished_at = %(at)s
WHERE id = %(id)s AND status = 'running' AND (%(run)s::int IS NULL OR attempts = %(run)s)
"""
FAIL = """
UPDATE renders SET status = 'failed', error = %(error)s, updated_at = %(at)s, finished_at = %(at)s
WHERE id = %(id)s AND status IN ('queued', 'running') AND (%(run)s::int IS NULL OR attempts = %(run)s)
"""
REQUEUE = """
UPDATE renders SET status = 'queued', error = COALESCE(%(error)s, error), updated_at = %(at)s
WHERE id = %(id)s AND status = 'running' AND (%(run)s::int IS NULL OR attempts = %(run)s)
"""
CANCEL = """
UPDATE renders SET status = 'cancelled', cancel_requested = true, updated_at = %(at)s, finished_at = %(at)s
WHERE id = %(id)s AND status IN ('queued', 'running') AND (%(run)s::int IS NULL OR attempts = %(run)s)
"""
REQUEST_CANCEL = """
UPDATE renders SET cancel_requested = true, updated_at = %(at)s WHERE id = %(id)s AND status IN ('queued', 'running')
"""
REOPEN = """
UPDATE renders SET status = 'queued', error = NULL, progress_done = 0, cancel_requested = false,
       finished_at = NULL, updated_at = %(at)s
WHERE id = %(id)s AND status IN ('failed', 'cancelled')
"""
NOTIFY = "SELECT pg_notify(%(channel)s, %(payload)s)"
# Requests of one user for a render queue one behind the other (until commit); other users' do not wait.
LOCK_USER_QUEUE = "SELECT pg_advisory_xact_lock(hashtext('renders_queued_by'), hashtext(%(user)s))"
COUNT_QUEUED = "SELECT count(*) FROM renders WHERE requested_by = %(user)s AND status = 'queued'"

_cues = msgspec.json.Decoder(list[RenderCue])
_report = msgspec.json.Decoder(list[CueFitReport])


def render_from_row(row: Mapping[str, Any]) -> Render:
    """A row of COLUMNS (as a dict) as a Render."""
    options = row["options"]
    return Render(
        id=row["id"],
        track_id=row["track_id"],
        requested_by=row["requested_by"],
        status=RenderStatus(row["status"]),
        options=options if isinstance(options, RenderOptions) else msgspec.convert(options, RenderOptions),
        cue_count=row["cue_count"],
        progress=Progress(done=row["progress_done"], total=row["progress_total"]),
        heartbeat_at=row["heartbeat_at"],
        attempts=row["attempts"],
        cancel_requested=row["cancel_requested"],
        stats=row["stats"],
        duration_ms=row["duration_ms"],
        size_bytes=row["size_bytes"],
        error=row["error"],
        trace_id=row["trace_id"],
        job_id=row["job_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


async def _one(conn: AsyncConnection[Any], query: str | sql.Composed, params: dict[str, Any]) -> dict[str, Any] | None:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(query, params)
        return await cur.fetchone()


async def _all(conn: AsyncConnection[Any], query: str | sql.Composed, params: dict[str, Any]) -> list[dict[str, Any]]:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(query, params)
        return await cur.fetchall()


def _json(value: Any) -> Jsonb:
    return Jsonb(msgspec.to_builtins(value))


class PostgresRenderRepository:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def _notify(self, render_id: UUID) -> None:
        await self._conn.execute(NOTIFY, {"channel": CHANNEL, "payload": str(render_id)})

    async def add(self, render: Render, cues: Sequence[RenderCue]) -> None:
        await self._conn.execute(
            INSERT,
            {
                "id": render.id,
                "track_id": render.track_id,
                "requested_by": render.requested_by,
                "status": render.status.value,
                "options": _json(render.options),
                "cues": _json(list(cues)),
                "cue_count": render.cue_count,
                "total": render.progress.total,
                "format": render.options.format,
                "blob_key": render.blob_key,
                "trace_id": render.trace_id,
                "job_id": render.job_id,
                "created_at": render.created_at,
            },
        )

    async def get(self, render_id: UUID) -> Render | None:
        row = await _one(self._conn, SELECT_ONE, {"id": render_id})
        return None if row is None else render_from_row(row)

    async def access(self, render_id: UUID, user_id: UUID) -> RenderAccess | None:
        row = await _one(self._conn, SELECT_ACCESS, {"id": render_id, "user_id": user_id})
        if row is None:
            return None
        role = row["member_role"]
        return RenderAccess(render=render_from_row(row), role=None if role is None else ProjectRole(role))

    async def report(self, render_id: UUID, page: PageRequest[int]) -> PageOf[CueFitReport]:
        offset = 0 if page.after is None else max(0, page.after + 1)
        params = {"id": render_id, "offset": offset, "limit": page.fetch}
        cur = await self._conn.execute(SELECT_REPORT_PAGE, params)
        rows = [(offset + n, msgspec.convert(row[0], CueFitReport)) for n, row in enumerate(await cur.fetchall())]
        return page_from(rows, page, lambda row: row[0]).map(lambda row: row[1])

    async def cues(self, render_id: UUID) -> list[RenderCue]:
        cur = await self._conn.execute("SELECT cues::text FROM renders WHERE id = %(id)s", {"id": render_id})
        row = await cur.fetchone()
        return [] if row is None else _cues.decode(row[0])

    async def full_report(self, render_id: UUID) -> list[CueFitReport] | None:
        cur = await self._conn.execute("SELECT report::text FROM renders WHERE id = %(id)s", {"id": render_id})
        row = await cur.fetchone()
        return None if row is None or row[0] is None else _report.decode(row[0])

    async def list_for_track(self, track_id: UUID, page: PageRequest[UUID]) -> PageOf[Render]:
        params = {"track_id": track_id, "before": page.after or MAX_UUID, "limit": page.fetch}
        rows = [render_from_row(row) for row in await _all(self._conn, SELECT_PAGE, params)]
        return page_from(rows, page, lambda render: render.id)

    async def set_job(self, render_id: UUID, job_id: int) -> None:
        await self._conn.execute(
            "UPDATE renders SET job_id = %(job)s WHERE id = %(id)s", {"id": render_id, "job": job_id}
        )

    async def start(self, render_id: UUID, *, at: datetime) -> Render | None:
        row = await _one(self._conn, START, {"id": render_id, "at": at})
        if row is None:
            return None
        await self._notify(render_id)
        return render_from_row(row)

    async def heartbeat(
        self, render_id: UUID, *, done: int, total: int, at: datetime, run: int | None = None
    ) -> HeartbeatAck:
        params = {"id": render_id, "done": done, "total": total, "at": at, "run": run}
        row = await _one(self._conn, HEARTBEAT, params)
        if row is None:
            return HeartbeatAck(running=False, cancel_requested=False)
        await self._notify(render_id)
        return HeartbeatAck(running=True, cancel_requested=bool(row["cancel_requested"]))

    async def succeed(
        self,
        render_id: UUID,
        *,
        stats: dict[str, Any],
        report: Sequence[CueFitReport],
        duration_ms: int,
        size_bytes: int,
        at: datetime,
        run: int | None = None,
    ) -> bool:
        params = {
            "run": run,
            "id": render_id,
            "stats": Jsonb(stats),
            "report": _json(list(report)),
            "duration_ms": duration_ms,
            "size_bytes": size_bytes,
            "at": at,
        }
        return await self._change(SUCCEED, render_id, params)

    async def fail(self, render_id: UUID, *, error: dict[str, Any], at: datetime, run: int | None = None) -> bool:
        return await self._change(FAIL, render_id, {"id": render_id, "error": Jsonb(error), "at": at, "run": run})

    async def requeue(
        self, render_id: UUID, *, error: dict[str, Any] | None, at: datetime, run: int | None = None
    ) -> bool:
        params = {"id": render_id, "error": None if error is None else Jsonb(error), "at": at, "run": run}
        return await self._change(REQUEUE, render_id, params)

    async def cancel(self, render_id: UUID, *, at: datetime, run: int | None = None) -> bool:
        return await self._change(CANCEL, render_id, {"id": render_id, "at": at, "run": run})

    async def request_cancel(self, render_id: UUID, *, at: datetime) -> None:
        if await self._change(REQUEST_CANCEL, render_id, {"id": render_id, "at": at}):
            await self._conn.execute(NOTIFY, {"channel": CANCEL_CHANNEL, "payload": str(render_id)})

    async def lock_and_count_queued(self, user_id: UUID) -> int:
        await self._conn.execute(LOCK_USER_QUEUE, {"user": str(user_id)})
        cur = await self._conn.execute(COUNT_QUEUED, {"user": user_id})
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def find_by_job(self, job_id: int) -> Render | None:
        row = await _one(self._conn, SELECT_BY_JOB, {"job": job_id})
        return None if row is None else render_from_row(row)

    async def reopen(self, render_id: UUID, *, at: datetime) -> None:
        await self._change(REOPEN, render_id, {"id": render_id, "at": at})

    async def _change(self, query: str, render_id: UUID, params: dict[str, Any]) -> bool:
        cur = await self._conn.execute(query, params)
        changed = cur.rowcount > 0
        if changed:
            await self._notify(render_id)
        return changed


# a page of the stored report: the array is unnested in its order, never sent whole
SELECT_REPORT_PAGE = """
SELECT entry FROM renders, jsonb_array_elements(COALESCE(report, '[]'::jsonb)) WITH ORDINALITY AS r(entry, n)
WHERE renders.id = %(id)s ORDER BY n OFFSET %(offset)s LIMIT %(limit)s
"""
TRACK_ACCESS = """
SELECT t.id, m.role, t.language, pc.speakers, pc.defaults FROM tracks t
JOIN projects p ON p.id = t.project_id AND p.deleted_at IS NULL
LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = %(user_id)s
LEFT JOIN project_casts pc ON pc.project_id = p.id
WHERE t.id = %(id)s AND t.deleted_at IS NULL
"""
TRACK_CUES = """
SELECT id, start_ms, end_ms, text, voice_engine, voice_name, speaker FROM cues
WHERE track_id = %(id)s AND deleted_at IS NULL AND spoken ORDER BY start_ms, id
"""


class PostgresRenderTracks:
    """Reads the subtitles area's tables: a track, the caller's role, and its live spoken cues."""

    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def access(self, track_id: UUID, user_id: UUID) -> TrackRole | None:
        row = await _one(self._conn, TRACK_ACCESS, {"id": track_id, "user_id": user_id})
        if row is None:
            return None
        role = row["role"]
        cast = (
            None
            if row["speakers"] is None
            else Cast(speakers=voices_of(row["speakers"]), defaults=voices_of(row["defaults"]))
        )
        return TrackRole(
            track_id=row["id"], role=None if role is None else ProjectRole(role), language=row["language"], cast=cast
        )

    async def snapshot(self, track_id: UUID) -> list[RenderCue]:
        return [
            RenderCue(
                id=str(row["id"]),
                start_ms=row["start_ms"],
                end_ms=row["end_ms"],
                text=row["text"],
                voice=None
                if row["voice_engine"] is None
                else VoiceRef(engine=row["voice_engine"], name=row["voice_name"]),
                speaker=row["speaker"],
            )
            for row in await _all(self._conn, TRACK_CUES, {"id": track_id})
        ]
