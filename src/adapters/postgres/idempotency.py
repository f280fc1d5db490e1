"""Idempotency keys in PostgreSQL: one row per (caller, method, path, key), kept 24 hours."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.errors import translated_errors
from application.errors import Conflict
from application.ports.clock import IdGenerator
from application.ports.idempotency import IdempotencyClaim, StoredResponse

# A claim is taken over when it is expired, or when it was left unfinished (a crashed request)
# for longer than the lock and the same body comes again.
CLAIM = """
INSERT INTO idempotency_keys AS k (id, scope, method, path, idempotency_key, request_hash, locked_until,
                                   expires_at, created_at, updated_at)
VALUES (%(id)s, %(scope)s, %(method)s, %(path)s, %(key)s, %(hash)s, now() + %(lock)s, now() + %(ttl)s, now(), now())
ON CONFLICT (scope, method, path, idempotency_key) DO UPDATE
   SET request_hash = EXCLUDED.request_hash, status_code = NULL, response_headers = NULL, response_body = NULL,
       locked_until = EXCLUDED.locked_until, expires_at = EXCLUDED.expires_at, created_at = now(), updated_at = now()
 WHERE k.expires_at <= now()
    OR (k.status_code IS NULL AND k.locked_until <= now() AND k.request_hash = EXCLUDED.request_hash)
RETURNING id
"""
EXISTING = """
SELECT request_hash, status_code, response_headers, response_body FROM idempotency_keys
 WHERE scope = %(scope)s AND method = %(method)s AND path = %(path)s AND idempotency_key = %(key)s
"""


class PostgresIdempotencyKeys:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        ids: IdGenerator,
        *,
        ttl: timedelta = timedelta(hours=24),
        lock: timedelta = timedelta(seconds=60),
    ) -> None:
        self._pool = pool
        self._ids = ids
        self._ttl = ttl
        self._lock = lock
        self._claims = 0

    PURGE_EVERY = 100  # claims between two sweeps of expired keys (each sweep deletes at most one batch)

    async def claim(self, *, scope: str, method: str, path: str, key: str, request_hash: bytes) -> IdempotencyClaim:
        self._claims += 1
        if self._claims % self.PURGE_EVERY == 0:
            await self.purge_expired()
        params: dict[str, Any] = {"scope": scope, "method": method, "path": path, "key": key}
        with translated_errors():
            async with self._pool.connection() as conn:
                cur = await conn.execute(
                    CLAIM,
                    {**params, "id": self._ids.new_id(), "hash": request_hash, "lock": self._lock, "ttl": self._ttl},
                )
                claimed = await cur.fetchone()
                if claimed is not None:
                    return IdempotencyClaim(record_id=claimed[0])
                cur = await conn.execute(EXISTING, params)
                row = await cur.fetchone()
        if row is None:  # deleted between the two statements (released by a failed first request): try again
            return await self.claim(scope=scope, method=method, path=path, key=key, request_hash=request_hash)
        stored_hash, status, headers, body = row
        if bytes(stored_hash) != request_hash:
            raise Conflict(
                "this Idempotency-Key was already used with a different request body", code="idempotency_key_reused"
            )
        if status is None:
            raise Conflict(
                "a request with this Idempotency-Key is still being processed", code="idempotency_in_progress"
            )
        return IdempotencyClaim(
            replay=StoredResponse(status_code=status, headers=[(h[0], h[1]) for h in headers], body=bytes(body))
        )

    async def complete(self, record_id: UUID, response: StoredResponse) -> None:
        with translated_errors():
            async with self._pool.connection() as conn:
                await conn.execute(
                    "UPDATE idempotency_keys SET status_code = %(status)s, response_headers = %(headers)s, "
                    "response_body = %(body)s, locked_until = now(), updated_at = now() WHERE id = %(id)s",
                    {
                        "status": response.status_code,
                        "headers": Jsonb([list(h) for h in response.headers]),
                        "body": response.body,
                        "id": record_id,
                    },
                )

    async def release(self, record_id: UUID) -> None:
        with translated_errors():
            async with self._pool.connection() as conn:
                await conn.execute(
                    "DELETE FROM idempotency_keys WHERE id = %(id)s AND status_code IS NULL", {"id": record_id}
                )

    async def purge_expired(self, *, batch: int = 1000) -> int:
        with translated_errors():
            async with self._pool.connection() as conn:
                cur = await conn.execute(
                    "DELETE FROM idempotency_keys WHERE id IN (SELECT id FROM idempotency_keys "
                    "WHERE expires_at <= now() ORDER BY expires_at LIMIT %(batch)s)",
                    {"batch": batch},
                )
                return cur.rowcount
