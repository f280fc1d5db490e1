"""A UnitOfWork owning one pooled connection and one transaction."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.errors import translate
from adapters.postgres.repositories.audit import PostgresAuditLog
from adapters.postgres.repositories.casts import PostgresCastRepository
from adapters.postgres.repositories.cues import PostgresCueRepository
from adapters.postgres.repositories.invitations import PostgresInvitationRepository
from adapters.postgres.repositories.lexicons import PostgresLexiconRepository
from adapters.postgres.repositories.media import PostgresMediaRepository
from adapters.postgres.repositories.projects import PostgresMemberRepository, PostgresProjectRepository
from adapters.postgres.repositories.refresh_tokens import PostgresRefreshTokenRepository
from adapters.postgres.repositories.tracks import PostgresTrackRepository
from adapters.postgres.repositories.users import PostgresUserRepository
from adapters.system import Uuid7Generator
from application.ports.clock import IdGenerator


class PostgresUnitOfWork:
    """Repositories are attached by subclasses or by `repository()`; leaving without commit rolls back."""

    users: PostgresUserRepository
    refresh_tokens: PostgresRefreshTokenRepository
    audit: PostgresAuditLog
    projects: PostgresProjectRepository
    members: PostgresMemberRepository
    invitations: PostgresInvitationRepository
    tracks: PostgresTrackRepository
    cues: PostgresCueRepository
    casts: PostgresCastRepository
    media: PostgresMediaRepository
    lexicons: PostgresLexiconRepository

    def __init__(self, pool: AsyncConnectionPool, ids: IdGenerator | None = None) -> None:
        self._pool = pool
        self._ids = ids or Uuid7Generator()
        self._conn: AsyncConnection[Any] | None = None
        self._committed = False

    @property
    def connection(self) -> AsyncConnection[Any]:
        if self._conn is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._conn

    async def __aenter__(self) -> Self:
        if self._conn is not None:
            raise RuntimeError("unit of work entered while its transaction is open; use one per transaction")
        try:
            self._conn = await self._pool.getconn()
        except Exception as exc:
            mapped = translate(exc)
            if mapped is None:
                raise
            raise mapped from exc
        self._committed = False
        self._attach_repositories(self._conn)
        self._on_enter()
        return self

    def _attach_repositories(self, conn: AsyncConnection[Any]) -> None:
        """Every area's repositories on the fresh connection (one line each)."""
        self.users = PostgresUserRepository(conn)
        self.refresh_tokens = PostgresRefreshTokenRepository(conn)
        self.audit = PostgresAuditLog(conn, self._ids.new_id)
        self.projects = PostgresProjectRepository(conn)
        self.members = PostgresMemberRepository(conn)
        self.invitations = PostgresInvitationRepository(conn)
        self.tracks = PostgresTrackRepository(conn)
        self.cues = PostgresCueRepository(conn)
        self.casts = PostgresCastRepository(conn)
        self.media = PostgresMediaRepository(conn)
        self.lexicons = PostgresLexiconRepository(conn)

    def _on_enter(self) -> None:
        """Hook for subclasses to build repositories on the fresh connection."""

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if not self._committed and not conn.closed:
                await conn.rollback()
        finally:
            await self._pool.putconn(conn)
        if exc is not None:
            mapped = translate(exc)
            if mapped is not None:
                raise mapped from exc

    async def commit(self) -> None:
        await self.connection.commit()
        self._committed = True
