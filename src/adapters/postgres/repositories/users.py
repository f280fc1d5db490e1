"""Accounts in PostgreSQL; soft-deleted rows are invisible to every query here but `erase`."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection, sql
from psycopg.errors import UniqueViolation
from psycopg.rows import dict_row

from adapters.postgres.queries import with_columns
from application.errors import Conflict, NotFound
from application.pagination import PageOf, PageRequest, page_from
from domain.users import GlobalRole, User

COLUMNS = sql.SQL("id, email, display_name, role, password_hash, token_epoch, created_at, updated_at, deleted_at")


def _q(text: str) -> sql.Composed:
    return with_columns(text, COLUMNS)


def user_from_row(row: dict[str, Any]) -> User:
    return User(
        id=row["id"],
        email=row["email"],
        display_name=row["display_name"],
        role=GlobalRole(row["role"]),
        password_hash=row["password_hash"],
        token_epoch=row["token_epoch"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        deleted_at=row["deleted_at"],
    )


class PostgresUserRepository:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def _one(self, query: sql.Composed, params: dict[str, Any]) -> User | None:
        async with self._conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(query, params)
            row = await cur.fetchone()
        return user_from_row(row) if row else None

    async def add(self, user: User) -> None:
        try:
            async with self._conn.transaction():  # a savepoint: the conflict leaves the outer transaction usable
                await self._conn.execute(
                    _q(
                        "INSERT INTO users ({columns}) VALUES (%(id)s, %(email)s, %(display_name)s, %(role)s, "
                        "%(password_hash)s, %(token_epoch)s, %(created_at)s, %(updated_at)s, %(deleted_at)s)"
                    ),
                    {
                        "id": user.id,
                        "email": user.email,
                        "display_name": user.display_name,
                        "role": user.role.value,
                        "password_hash": user.password_hash,
                        "token_epoch": user.token_epoch,
                        "created_at": user.created_at,
                        "updated_at": user.updated_at,
                        "deleted_at": user.deleted_at,
                    },
                )
        except UniqueViolation:
            raise Conflict("an account with this email already exists", code="email_taken") from None

    async def get(self, user_id: UUID) -> User:
        user = await self.find(user_id)
        if user is None:
            raise NotFound("user", user_id)
        return user

    async def find(self, user_id: UUID) -> User | None:
        return await self._one(
            _q("SELECT {columns} FROM users WHERE id = %(id)s AND deleted_at IS NULL"),
            {"id": user_id},
        )

    async def find_by_email(self, email: str) -> User | None:
        return await self._one(
            _q("SELECT {columns} FROM users WHERE email = %(email)s AND deleted_at IS NULL"),
            {"email": email},
        )

    async def set_password_hash(self, user_id: UUID, password_hash: str, *, now: datetime) -> None:
        await self._conn.execute(
            "UPDATE users SET password_hash = %(hash)s, updated_at = %(now)s WHERE id = %(id)s AND deleted_at IS NULL",
            {"hash": password_hash, "now": now, "id": user_id},
        )

    async def set_role(self, user_id: UUID, role: GlobalRole, *, now: datetime) -> User:
        user = await self._one(
            _q(
                "UPDATE users SET role = %(role)s, token_epoch = token_epoch + 1, updated_at = %(now)s "
                "WHERE id = %(id)s AND deleted_at IS NULL RETURNING {columns}"
            ),
            {"role": role.value, "now": now, "id": user_id},
        )
        if user is None:
            raise NotFound("user", user_id)
        return user

    async def erase(self, user_id: UUID, *, now: datetime) -> None:
        cur = await self._conn.execute(
            "UPDATE users SET email = NULL, display_name = NULL, password_hash = NULL, "
            "token_epoch = token_epoch + 1, deleted_at = %(now)s, updated_at = %(now)s "
            "WHERE id = %(id)s AND deleted_at IS NULL",
            {"now": now, "id": user_id},
        )
        if cur.rowcount == 0:
            raise NotFound("user", user_id)
        # Stored responses of the user's idempotent requests hold personal data too.
        await self._conn.execute("DELETE FROM idempotency_keys WHERE scope = %(scope)s", {"scope": str(user_id)})

    async def count_active_admins(self) -> int:
        cur = await self._conn.execute("SELECT count(*) FROM users WHERE role = 'admin' AND deleted_at IS NULL")
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def list_page(self, page: PageRequest[UUID], *, role: GlobalRole | None = None) -> PageOf[User]:
        async with self._conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                _q(
                    "SELECT {columns} FROM users WHERE deleted_at IS NULL "
                    "AND (%(role)s::text IS NULL OR role = %(role)s) "
                    "AND (%(after)s::uuid IS NULL OR id < %(after)s) "
                    "ORDER BY id DESC LIMIT %(limit)s"
                ),
                {"role": role.value if role else None, "after": page.after, "limit": page.fetch},
            )
            rows = await cur.fetchall()
        return page_from([user_from_row(r) for r in rows], page, lambda user: user.id)
