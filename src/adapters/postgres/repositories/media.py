"""Project media records in PostgreSQL (the files are blobs)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from psycopg import AsyncConnection, sql
from psycopg.types.json import Jsonb

from adapters.postgres.queries import with_columns
from application.pagination import PageOf, PageRequest, page_from
from domain.media import Media, MediaStream

MIN_UUID = UUID(int=0)
COLUMNS = "id, project_id, role, kind, container, duration_ms, streams, size_bytes, filename, uploaded_by, created_at"
INSERT = """
INSERT INTO project_media (id, project_id, role, kind, container, duration_ms, streams, size_bytes, filename,
                           blob_key, uploaded_by, created_at, updated_at)
VALUES (%(id)s, %(project_id)s, %(role)s, %(kind)s, %(container)s, %(duration_ms)s, %(streams)s, %(size_bytes)s,
        %(filename)s, %(blob_key)s, %(uploaded_by)s, %(created_at)s, %(created_at)s)
"""


def _q(text: str) -> sql.Composed:
    return with_columns(text, COLUMNS)


SELECT_ONE = _q("SELECT {columns} FROM project_media WHERE project_id = %(project_id)s AND id = %(id)s")
SELECT_PAGE = _q("""
SELECT {columns} FROM project_media WHERE project_id = %(project_id)s AND id > %(after)s ORDER BY id LIMIT %(limit)s
""")
SELECT_FOR_TRACK = sql.SQL(
    "SELECT {columns} FROM project_media m JOIN tracks t ON t.project_id = m.project_id "
    "WHERE t.id = %(track_id)s AND m.id = %(id)s"
).format(columns=sql.SQL(", ".join(f"m.{c.strip()}" for c in COLUMNS.split(","))))
DELETE_ONE = "DELETE FROM project_media WHERE project_id = %(project_id)s AND id = %(id)s"
DELETE_ALL = _q("DELETE FROM project_media WHERE project_id = %(project_id)s RETURNING {columns}")


def _media(row: tuple[Any, ...]) -> Media:
    return Media(
        id=row[0],
        project_id=row[1],
        role=row[2],
        kind=row[3],
        container=row[4],
        duration_ms=row[5],
        streams=tuple(msgspec.convert(row[6], list[MediaStream])),
        size_bytes=row[7],
        filename=row[8],
        uploaded_by=row[9],
        created_at=row[10],
    )


class PostgresMediaRepository:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def add(self, media: Media) -> None:
        params = {
            "id": media.id,
            "project_id": media.project_id,
            "role": media.role,
            "kind": media.kind,
            "container": media.container,
            "duration_ms": media.duration_ms,
            "streams": Jsonb(msgspec.to_builtins(media.streams)),
            "size_bytes": media.size_bytes,
            "filename": media.filename,
            "blob_key": media.blob_key,
            "uploaded_by": media.uploaded_by,
            "created_at": media.created_at,
        }
        await self._conn.execute(INSERT, params)

    async def get(self, project_id: UUID, media_id: UUID) -> Media | None:
        cur = await self._conn.execute(SELECT_ONE, {"project_id": project_id, "id": media_id})
        row = await cur.fetchone()
        return None if row is None else _media(row)

    async def find_for_track(self, track_id: UUID, media_id: UUID) -> Media | None:
        cur = await self._conn.execute(SELECT_FOR_TRACK, {"track_id": track_id, "id": media_id})
        row = await cur.fetchone()
        return None if row is None else _media(row)

    async def list_for_project(self, project_id: UUID, page: PageRequest[UUID]) -> PageOf[Media]:
        params = {"project_id": project_id, "after": page.after or MIN_UUID, "limit": page.fetch}
        cur = await self._conn.execute(SELECT_PAGE, params)
        return page_from([_media(row) for row in await cur.fetchall()], page, lambda media: media.id)

    async def delete(self, project_id: UUID, media_id: UUID) -> bool:
        cur = await self._conn.execute(DELETE_ONE, {"project_id": project_id, "id": media_id})
        return cur.rowcount > 0

    async def delete_for_project(self, project_id: UUID) -> list[Media]:
        cur = await self._conn.execute(DELETE_ALL, {"project_id": project_id})
        return [_media(row) for row in await cur.fetchall()]
