"""Deleted projects and the blob keys of their renders and media, for the purge sweep."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from psycopg_pool import AsyncConnectionPool

from application.ports.blob_purge import ProjectBlobs

PENDING = """
SELECT p.id,
       COALESCE(array_agg(r.blob_key) FILTER (WHERE r.id IS NOT NULL), '{}')
       -- the voice stem beside a render over media (domain.renders.render_stem_key)
       || COALESCE(array_agg('renders/' || r.id || '.voice.flac') FILTER (WHERE r.id IS NOT NULL AND (
              r.format IN ('mkv', 'mp4', 'webm') OR r.options ->> 'mix' IN ('voiceover', 'replace'))), '{}')
       || COALESCE((SELECT array_agg(m.blob_key) FROM project_media m WHERE m.project_id = p.id), '{}'),
       COALESCE(bool_and(r.status IN ('succeeded', 'failed', 'cancelled')), true)
FROM (SELECT id, deleted_at FROM projects
      WHERE deleted_at IS NOT NULL AND blobs_purged_at IS NULL
      ORDER BY deleted_at, id LIMIT %(limit)s) p
LEFT JOIN tracks t ON t.project_id = p.id
LEFT JOIN renders r ON r.track_id = t.id
GROUP BY p.id, p.deleted_at
ORDER BY p.deleted_at, p.id
"""
MARK = "UPDATE projects SET blobs_purged_at = %(at)s WHERE id = ANY(%(ids)s)"


class PostgresDeletedProjectBlobs:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def pending(self, limit: int) -> list[ProjectBlobs]:
        async with self._pool.connection() as conn:
            rows = await (await conn.execute(PENDING, {"limit": limit})).fetchall()
        return [ProjectBlobs(project_id=row[0], keys=sorted(row[1]), settled=row[2]) for row in rows]

    async def mark_purged(self, project_ids: Sequence[UUID], *, at: datetime) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(MARK, {"ids": list(project_ids), "at": at})
