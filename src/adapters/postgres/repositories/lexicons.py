"""Project lexicons in PostgreSQL (one jsonb document per project)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from application.ports.lexicons import StoredLexicon
from domain.lexicon import Lexicon, LexiconEntry

SELECT = "SELECT entries::text, version, updated_at FROM project_lexicons WHERE project_id = %(id)s"
FOR_TRACK = (
    "SELECT l.entries::text FROM project_lexicons l JOIN tracks t ON t.project_id = l.project_id WHERE t.id = %(id)s"
)
UPSERT = """
INSERT INTO project_lexicons (project_id, entries, version, created_at, updated_at)
VALUES (%(id)s, %(entries)s, %(version)s, %(at)s, %(at)s)
ON CONFLICT (project_id) DO UPDATE
SET entries = excluded.entries, version = excluded.version, updated_at = excluded.updated_at
"""
_entries = msgspec.json.Decoder(tuple[LexiconEntry, ...])


class PostgresLexiconRepository:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def get(self, project_id: UUID) -> StoredLexicon | None:
        cur = await self._conn.execute(SELECT, {"id": project_id})
        row = await cur.fetchone()
        if row is None:
            return None
        return StoredLexicon(lexicon=Lexicon(entries=_entries.decode(row[0])), version=row[1], updated_at=row[2])

    async def for_track(self, track_id: UUID) -> Lexicon | None:
        cur = await self._conn.execute(FOR_TRACK, {"id": track_id})
        row = await cur.fetchone()
        return None if row is None else Lexicon(entries=_entries.decode(row[0]))

    async def put(self, project_id: UUID, lexicon: Lexicon, *, version: int, at: datetime) -> None:
        entries = Jsonb(msgspec.to_builtins(lexicon.entries))
        await self._conn.execute(UPSERT, {"id": project_id, "entries": entries, "version": version, "at": at})
