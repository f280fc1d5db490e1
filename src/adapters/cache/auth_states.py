"""Each user's current token epoch and role, read from PostgreSQL and cached briefly in the shared store."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import msgspec
from litestar.stores.base import Store
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.errors import translated_errors
from domain.users import AuthState, GlobalRole

_decode = msgspec.json.Decoder(AuthState)
# One round trip: the user's epoch and role, and the sessions revoked within an access token's lifetime
# (refresh_tokens_user_idx serves the subquery).
_STATE = """
SELECT u.role, u.token_epoch, u.deleted_at IS NULL,
       ARRAY(SELECT DISTINCT r.family_id FROM refresh_tokens r
             WHERE r.user_id = u.id AND r.revoked_at > now() - %(window)s::interval)
FROM users u WHERE u.id = %(id)s
"""
_GONE = b"gone"


class CachedAuthStates:
    """A write elsewhere calls `forget`, so with the shared (Redis) store a change is seen by every replica at once."""

    def __init__(
        self, pool: AsyncConnectionPool, store: Store, *, ttl_s: int = 30, revoked_window_s: int = 900
    ) -> None:
        self._pool = pool
        self._store = store
        self._ttl_s = ttl_s
        self._revoked_window_s = revoked_window_s  # the access-token lifetime: older revocations matter no more

    @staticmethod
    def _key(user_id: UUID) -> str:
        return f"auth-state:{user_id}"

    async def get(self, user_id: UUID) -> AuthState | None:
        cached = await self._store.get(self._key(user_id))
        if cached is not None:
            return None if cached == _GONE else _decode.decode(cached)
        with translated_errors():
            async with self._pool.connection() as conn:
                cur = await conn.execute(_STATE, {"id": user_id, "window": timedelta(seconds=self._revoked_window_s)})
                row = await cur.fetchone()
        state = (
            AuthState(role=GlobalRole(row[0]), token_epoch=row[1], active=row[2], revoked_sessions=frozenset(row[3]))
            if row
            else None
        )
        await self._store.set(
            self._key(user_id), msgspec.json.encode(state) if state else _GONE, expires_in=self._ttl_s
        )
        return state

    async def forget(self, user_id: UUID) -> None:
        await self._store.delete(self._key(user_id))
