"""Cryptographic needs of the identity use cases: password hashes, signed access tokens, opaque tokens."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

import msgspec

from domain.users import GlobalRole


class PasswordHasher(Protocol):
    @property
    def parameters(self) -> str:
        """The algorithm and cost parameters, for reports."""
        ...

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """True when the password matches. With no hash, spends the same time on a dummy hash and says False."""
        ...

    def needs_rehash(self, password_hash: str) -> bool: ...


class AccessClaims(msgspec.Struct, frozen=True, kw_only=True):
    user_id: UUID
    role: GlobalRole
    token_epoch: int
    issued_at: datetime
    expires_at: datetime
    token_id: str
    session_id: UUID | None = None  # the refresh-token family the token was issued with
    render_id: UUID | None = None  # set on a playback token: it opens only this render's downloads


class IssuedAccessToken(msgspec.Struct, frozen=True, kw_only=True):
    token: str
    expires_in: int


class AccessTokens(Protocol):
    def issue(
        self, user_id: UUID, role: GlobalRole, token_epoch: int, session_id: UUID | None = None
    ) -> IssuedAccessToken: ...

    def issue_playback(self, claims: AccessClaims, render_id: UUID, ttl: timedelta) -> IssuedAccessToken:
        """A short-lived token for one render's downloads, carrying the caller's identity, epoch and session
        (so signing out or a role change ends it too). It is not an access token: no other route takes it."""
        ...

    def verify(self, token: str, *, render_id: UUID | None = None) -> AccessClaims:
        """The claims of a valid token; raises Unauthenticated for anything else. Without `render_id` only an
        access token passes; with it, only a playback token for that render."""
        ...


class OpaqueTokens(Protocol):
    """High-entropy random tokens (refresh tokens) and the digest under which they are stored."""

    def new_token(self) -> str: ...

    def digest(self, token: str) -> bytes: ...


class Pseudonymizer(Protocol):
    def pseudonym(self, user_id: UUID) -> str:
        """A stable one-way pseudonym: the same user always gives the same value, which cannot be reversed."""
        ...
