"""Each user's current token epoch and role, read from PostgreSQL and cached briefly in the shared store."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar.stores.base import Store
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.errors import translated_errors
from domain.users import AuthState, GlobalRole

_decode = msgspec.json.Decoder(AuthState)
_GONE = b"gone"


class CachedAuthStates:
    """A write elsewhere calls `forget`, so with the shared (Redis) store a change is seen by every replica at once."""

    def __init__(self, pool: AsyncConnectionPool, store: Store, *, ttl_s: int = 30) -> None:
        self._pool = pool
        self._store = store
        self._ttl_s = ttl_s

    @staticmethod
    def _key(user_id: UUID) -> str:
        return f"auth-state:{user_id}"

    async def get(self, user_id: UUID) -> AuthState | None:
        cached = await self._store.get(self._key(user_id))
        if cached is not None:
            return None if cached == _GONE else _decode.decode(cached)
        with translated_errors():
            async with self._pool.connection() as conn:
                cur = await conn.execute(
                    "SELECT role, token_epoch, deleted_at IS NULL FROM users WHERE id = %(id)s", {"id": user_id}
                )
                row = await cur.fetchone()
        state = AuthState(role=GlobalRole(row[0]), token_epoch=row[1], active=row[2]) if row else None
        await self._store.set(
            self._key(user_id), msgspec.json.encode(state) if state else _GONE, expires_in=self._ttl_s
        )
        return state

    async def forget(self, user_id: UUID) -> None:
        await self._store.delete(self._key(user_id))
