from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row

from adapters.postgres.queries import with_columns
from application.pagination import PageOf, PageRequest, page_from
from domain.sessions import RefreshToken

COLUMNS = sql.SQL("id, user_id, family_id, token_digest, expires_at, rotated_at, revoked_at, created_at")


def _q(text: str) -> sql.Composed:
    return with_columns(text, COLUMNS)


def token_from_row(row: dict[str, Any]) -> RefreshToken:
    return RefreshToken(
        id=row["id"],
        user_id=row["user_id"],
        family_id=row["family_id"],
        digest=bytes(row["token_digest"]),
        expires_at=row["expires_at"],
        rotated_at=row["rotated_at"],
        revoked_at=row["revoked_at"],
        created_at=row["created_at"],
    )


class PostgresRefreshTokenRepository:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def add(self, token: RefreshToken) -> None:
        await self._conn.execute(
            "INSERT INTO refresh_tokens (id, user_id, family_id, token_digest, expires_at, created_at, updated_at) "
            "VALUES (%(id)s, %(user_id)s, %(family_id)s, %(digest)s, %(expires_at)s, %(created_at)s, %(created_at)s)",
            {
                "id": token.id,
                "user_id": token.user_id,
                "family_id": token.family_id,
                "digest": token.digest,
                "expires_at": token.expires_at,
                "created_at": token.created_at,
            },
        )

    async def get_for_update(self, digest: bytes) -> RefreshToken | None:
        async with self._conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                _q("SELECT {columns} FROM refresh_tokens WHERE token_digest = %(digest)s FOR UPDATE"),
                {"digest": digest},
            )
            row = await cur.fetchone()
        return token_from_row(row) if row else None

    async def mark_rotated(self, token_id: UUID, *, now: datetime) -> None:
        await self._conn.execute(
            "UPDATE refresh_tokens SET rotated_at = %(now)s, updated_at = %(now)s WHERE id = %(id)s",
            {"now": now, "id": token_id},
        )

    async def revoke_family(self, family_id: UUID, *, now: datetime) -> int:
        cur = await self._conn.execute(
            "UPDATE refresh_tokens SET revoked_at = %(now)s, updated_at = %(now)s "
            "WHERE family_id = %(family)s AND revoked_at IS NULL",
            {"now": now, "family": family_id},
        )
        return cur.rowcount

    async def delete_for_user(self, user_id: UUID) -> int:
        cur = await self._conn.execute("DELETE FROM refresh_tokens WHERE user_id = %(id)s", {"id": user_id})
        return cur.rowcount

    async def list_for_user(self, user_id: UUID, page: PageRequest[UUID]) -> PageOf[RefreshToken]:
        async with self._conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                _q(
                    "SELECT {columns} FROM refresh_tokens WHERE user_id = %(user)s "
                    "AND (%(after)s::uuid IS NULL OR id > %(after)s) ORDER BY id LIMIT %(limit)s"
                ),
                {"user": user_id, "after": page.after, "limit": page.fetch},
            )
            rows = await cur.fetchall()
        return page_from([token_from_row(r) for r in rows], page, lambda token: token.id)
