"""Issuing a session: an access token plus a refresh token in a (new or existing) family."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import msgspec

from application.ports.clock import Clock, IdGenerator
from application.ports.security import AccessTokens, OpaqueTokens
from application.ports.unit_of_work import UnitOfWork
from domain.sessions import RefreshToken
from domain.users import User

DEFAULT_REFRESH_TTL = timedelta(days=30)


class TokenPair(msgspec.Struct, frozen=True, kw_only=True):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105 - the scheme name


class SessionIssuer:
    def __init__(
        self,
        access_tokens: AccessTokens,
        opaque_tokens: OpaqueTokens,
        ids: IdGenerator,
        clock: Clock,
        *,
        refresh_ttl: timedelta = DEFAULT_REFRESH_TTL,
    ) -> None:
        self._access = access_tokens
        self._opaque = opaque_tokens
        self._ids = ids
        self._clock = clock
        self._refresh_ttl = refresh_ttl

    async def issue(self, uow: UnitOfWork, user: User, *, family_id: UUID | None = None) -> tuple[TokenPair, UUID]:
        """Store a new refresh token (in `family_id`, or a new family) and return the pair and the family."""
        now = self._clock.now()
        refresh = self._opaque.new_token()
        family = family_id or self._ids.new_id()
        await uow.refresh_tokens.add(
            RefreshToken(
                id=self._ids.new_id(),
                user_id=user.id,
                family_id=family,
                digest=self._opaque.digest(refresh),
                expires_at=now + self._refresh_ttl,
                created_at=now,
            )
        )
        access = self._access.issue(user.id, user.role, user.token_epoch, session_id=family)
        return TokenPair(access_token=access.token, refresh_token=refresh, expires_in=access.expires_in), family
