"""Tracks in PostgreSQL, and the per-track change counter that orders sync changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from application.pagination import PageOf, PageRequest, page_from
from application.ports.tracks import TrackAccess
from domain.projects import ProjectRole
from domain.subtitles import Track, TrackSource

MIN_UUID = UUID(int=0)

SELECT_ACCESS = """
SELECT t.id, t.project_id, t.language, t.label, t.source, t.version, t.created_at, t.updated_at,
       s.cue_count, s.duration_ms, m.role
FROM tracks t
JOIN projects p ON p.id = t.project_id AND p.deleted_at IS NULL
LEFT JOIN project_members m ON m.project_id = t.project_id AND m.user_id = %(user_id)s
CROSS JOIN LATERAL (
    SELECT count(*) AS cue_count, coalesce(max(c.end_ms), 0) AS duration_ms
    FROM cues c WHERE c.track_id = t.id AND c.deleted_at IS NULL
) s
WHERE t.id = %(track_id)s AND t.deleted_at IS NULL
"""

# The hot path (every cue page, every sync) does not need the counts.
SELECT_ACCESS_LIGHT = """
SELECT t.id, t.project_id, t.language, t.label, t.source, t.version, t.created_at, t.updated_at, 0, 0, m.role
FROM tracks t
JOIN projects p ON p.id = t.project_id AND p.deleted_at IS NULL
LEFT JOIN project_members m ON m.project_id = t.project_id AND m.user_id = %(user_id)s
WHERE t.id = %(track_id)s AND t.deleted_at IS NULL
"""

LIST_TRACKS = """
SELECT t.id, t.project_id, t.language, t.label, t.source, t.version, t.created_at, t.updated_at,
       s.cue_count, s.duration_ms
FROM tracks t
CROSS JOIN LATERAL (
    SELECT count(*) AS cue_count, coalesce(max(c.end_ms), 0) AS duration_ms
    FROM cues c WHERE c.track_id = t.id AND c.deleted_at IS NULL
) s
WHERE t.project_id = %(project_id)s AND t.deleted_at IS NULL AND t.id > %(after)s
ORDER BY t.id
LIMIT %(limit)s
"""

INSERT_TRACK = """
INSERT INTO tracks (id, project_id, language, label, source, version, created_at, updated_at)
VALUES (%(id)s, %(project_id)s, %(language)s, %(label)s, %(source)s, %(version)s, %(created_at)s, %(updated_at)s)
"""

# The unique index on import_job_id makes a job's second insert a no-op (no row returned), also when
# two runs of the job race: the later insert waits for the earlier transaction and then does nothing.
INSERT_IMPORTED_TRACK = """
INSERT INTO tracks (id, project_id, language, label, source, version, created_at, updated_at, import_job_id)
VALUES (%(id)s, %(project_id)s, %(language)s, %(label)s, %(source)s, %(version)s, %(created_at)s, %(updated_at)s,
        %(job_id)s)
ON CONFLICT (import_job_id) WHERE import_job_id IS NOT NULL DO NOTHING
RETURNING id
"""

# Deleted or not: the job wrote it once, and that is what a re-run must learn.
SELECT_IMPORTED = """
SELECT t.id, t.project_id, t.language, t.label, t.source, t.version, t.created_at, t.updated_at,
       s.cue_count, s.duration_ms
FROM tracks t
CROSS JOIN LATERAL (
    SELECT count(*) AS cue_count, coalesce(max(c.end_ms), 0) AS duration_ms
    FROM cues c WHERE c.track_id = t.id AND c.deleted_at IS NULL
) s
WHERE t.import_job_id = %(job_id)s
"""

UPDATE_TRACK = """
UPDATE tracks SET language = %(language)s, label = %(label)s, version = %(version)s, updated_at = %(updated_at)s
WHERE id = %(id)s AND deleted_at IS NULL
"""

SOFT_DELETE_TRACK = "UPDATE tracks SET deleted_at = %(at)s, updated_at = %(at)s WHERE id = %(id)s"

LOCK_TRACK = "SELECT change_seq FROM tracks WHERE id = %(id)s FOR UPDATE"
RESERVE_CHANGES = "UPDATE tracks SET change_seq = change_seq + %(count)s WHERE id = %(id)s RETURNING change_seq"


def track_from_row(row: tuple[Any, ...]) -> Track:
    return Track(
        id=row[0],
        project_id=row[1],
        language=row[2],
        label=row[3],
        source=msgspec.convert(row[4], TrackSource),
        version=row[5],
        created_at=row[6],
        updated_at=row[7],
        cue_count=row[8],
        duration_ms=row[9],
    )


def _params(track: Track) -> dict[str, Any]:
    return {
        "id": track.id,
        "project_id": track.project_id,
        "language": track.language,
        "label": track.label,
        "source": Jsonb(msgspec.to_builtins(track.source)),
        "version": track.version,
        "created_at": track.created_at,
        "updated_at": track.updated_at,
    }


class PostgresTrackRepository:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def add(self, track: Track) -> None:
        await self._conn.execute(INSERT_TRACK, _params(track))

    async def add_imported(self, track: Track, *, job_id: int) -> bool:
        cur = await self._conn.execute(INSERT_IMPORTED_TRACK, {**_params(track), "job_id": job_id})
        return await cur.fetchone() is not None

    async def find_imported(self, job_id: int) -> Track | None:
        cur = await self._conn.execute(SELECT_IMPORTED, {"job_id": job_id})
        row = await cur.fetchone()
        return None if row is None else track_from_row(row)

    async def access(self, track_id: UUID, user_id: UUID, *, with_stats: bool = False) -> TrackAccess | None:
        query = SELECT_ACCESS if with_stats else SELECT_ACCESS_LIGHT
        cur = await self._conn.execute(query, {"track_id": track_id, "user_id": user_id})
        row = await cur.fetchone()
        if row is None:
            return None
        return TrackAccess(track=track_from_row(row), role=None if row[10] is None else ProjectRole(row[10]))

    async def list(self, project_id: UUID, page: PageRequest[UUID]) -> PageOf[Track]:
        params = {"project_id": project_id, "after": page.after or MIN_UUID, "limit": page.fetch}
        cur = await self._conn.execute(LIST_TRACKS, params)
        return page_from([track_from_row(row) for row in await cur.fetchall()], page, lambda track: track.id)

    async def update(self, track: Track) -> None:
        await self._conn.execute(UPDATE_TRACK, _params(track))

    async def soft_delete(self, track_id: UUID, *, at: datetime) -> None:
        await self._conn.execute(SOFT_DELETE_TRACK, {"id": track_id, "at": at})

    async def lock(self, track_id: UUID) -> int:
        cur = await self._conn.execute(LOCK_TRACK, {"id": track_id})
        row = await cur.fetchone()
        if row is None:
            raise LookupError(f"track {track_id} vanished inside its own transaction")
        return int(row[0])

    async def reserve_changes(self, track_id: UUID, count: int) -> int:
        cur = await self._conn.execute(RESERVE_CHANGES, {"id": track_id, "count": count})
        row = await cur.fetchone()
        if row is None:
            raise LookupError(f"track {track_id} vanished inside its own transaction")
        return int(row[0]) - count + 1
