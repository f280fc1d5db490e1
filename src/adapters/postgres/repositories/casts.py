"""Project casts in PostgreSQL (hand-written SQL, bound parameters only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from application.ports.casts import StoredCast
from domain.cast import Cast
from domain.voices import VoiceRef

SELECT_CAST = "SELECT speakers, defaults, version, updated_at FROM project_casts WHERE project_id = %(id)s"
SELECT_CAST_FOR_UPDATE = SELECT_CAST + " FOR UPDATE"
UPSERT_CAST = """
INSERT INTO project_casts (project_id, speakers, defaults, version, created_at, updated_at)
VALUES (%(id)s, %(speakers)s, %(defaults)s, %(version)s, %(at)s, %(at)s)
ON CONFLICT (project_id) DO UPDATE
SET speakers = EXCLUDED.speakers, defaults = EXCLUDED.defaults, version = EXCLUDED.version,
    updated_at = EXCLUDED.updated_at
"""
SELECT_SPEAKERS = """
SELECT DISTINCT c.speaker FROM tracks t
JOIN cues c ON c.track_id = t.id AND c.deleted_at IS NULL AND c.speaker IS NOT NULL
WHERE t.project_id = %(id)s AND t.deleted_at IS NULL
"""


def voices_of(value: Any) -> dict[str, VoiceRef]:
    return msgspec.convert(value, dict[str, VoiceRef])


def _json(voices: dict[str, VoiceRef]) -> Jsonb:
    return Jsonb({key: {"engine": ref.engine, "name": ref.name} for key, ref in voices.items()})


class PostgresCastRepository:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def get(self, project_id: UUID, *, for_update: bool = False) -> StoredCast | None:
        cur = await self._conn.execute(SELECT_CAST_FOR_UPDATE if for_update else SELECT_CAST, {"id": project_id})
        row = await cur.fetchone()
        if row is None:
            return None
        cast = Cast(speakers=voices_of(row[0]), defaults=voices_of(row[1]))
        return StoredCast(project_id=project_id, cast=cast, version=row[2], updated_at=row[3])

    async def save(self, project_id: UUID, cast: Cast, *, version: int, at: datetime) -> None:
        await self._conn.execute(
            UPSERT_CAST,
            {
                "id": project_id,
                "speakers": _json(cast.speakers),
                "defaults": _json(cast.defaults),
                "version": version,
                "at": at,
            },
        )

    async def speakers(self, project_id: UUID) -> set[str]:
        cur = await self._conn.execute(SELECT_SPEAKERS, {"id": project_id})
        return {row[0] for row in await cur.fetchall()}
