"""Refresh-token sessions: a family of tokens, each used once, the whole family revoked on reuse."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec


class RefreshToken(msgspec.Struct, frozen=True, kw_only=True):
    """One opaque refresh token; only its digest is stored."""

    id: UUID
    user_id: UUID
    family_id: UUID
    digest: bytes
    expires_at: datetime
    created_at: datetime
    rotated_at: datetime | None = None
    revoked_at: datetime | None = None

    def state_at(self, now: datetime) -> str:
        """`usable`, `reused` (already rotated: theft signal), `revoked` or `expired`."""
        if self.revoked_at is not None:
            return "revoked"
        if self.rotated_at is not None:
            return "reused"
        if self.expires_at <= now:
            return "expired"
        return "usable"
