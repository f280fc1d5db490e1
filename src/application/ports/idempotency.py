"""Stored responses of creating requests, keyed by the client's Idempotency-Key (S-API-6)."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

import msgspec


class StoredResponse(msgspec.Struct, frozen=True, kw_only=True):
    status_code: int
    headers: list[tuple[str, str]]
    body: bytes


class IdempotencyClaim(msgspec.Struct, frozen=True, kw_only=True):
    """Either this request owns the key now (`record_id`), or an earlier one finished (`replay`)."""

    record_id: UUID | None = None
    replay: StoredResponse | None = None


class IdempotencyKeys(Protocol):
    async def claim(self, *, scope: str, method: str, path: str, key: str, request_hash: bytes) -> IdempotencyClaim:
        """Raises Conflict `idempotency_key_reused` (another body) or `idempotency_in_progress` (still running)."""
        ...

    async def complete(self, record_id: UUID, response: StoredResponse) -> None: ...

    async def release(self, record_id: UUID) -> None:
        """Forget an unfinished claim (the request failed), so the client may retry with the same key."""
        ...

    async def purge_expired(self, *, batch: int = 1000) -> int: ...
