from __future__ import annotations

from application.actor import Actor
from application.errors import NotFound, Unauthenticated
from application.ports.auth_state import AuthStates
from application.ports.clock import Clock
from application.ports.security import OpaqueTokens
from application.ports.unit_of_work import UnitOfWork
from application.use_cases.identity.sessions import SessionIssuer, TokenPair

INVALID_REFRESH = "the refresh token is invalid, expired or revoked"


class RefreshSession:
    """Every refresh rotates; presenting a rotated token revokes its whole family (theft detection)."""

    def __init__(
        self, uow: UnitOfWork, opaque_tokens: OpaqueTokens, sessions: SessionIssuer, clock: Clock, states: AuthStates
    ) -> None:
        self._uow = uow
        self._opaque = opaque_tokens
        self._sessions = sessions
        self._clock = clock
        self._states = states

    async def execute(self, refresh_token: str, *, trace_id: str | None = None) -> TokenPair:
        now = self._clock.now()
        async with self._uow as uow:
            token = await uow.refresh_tokens.get_for_update(self._opaque.digest(refresh_token))
            if token is None:
                raise Unauthenticated(INVALID_REFRESH, code="invalid_refresh_token")
            state = token.state_at(now)
            if state == "reused":
                revoked = await uow.refresh_tokens.revoke_family(token.family_id, now=now)
                # Recorded under the token's owner: whoever replayed it, it is their session that died.
                owner = await uow.users.find(token.user_id)
                actor = Actor(user_id=owner.id, role=owner.role, trace_id=trace_id) if owner else None
                await uow.audit.record(
                    actor,
                    "session.reuse_detected",
                    "session",
                    token.family_id,
                    {"revoked_tokens": revoked},
                    trace_id=trace_id,
                )
                await uow.commit()
                await self._states.forget(token.user_id)  # the family's access tokens stop working at once
                raise Unauthenticated(INVALID_REFRESH, code="refresh_token_reused")
            if state != "usable":
                raise Unauthenticated(INVALID_REFRESH, code="invalid_refresh_token")
            try:
                user = await uow.users.get(token.user_id)
            except NotFound:
                raise Unauthenticated(INVALID_REFRESH, code="invalid_refresh_token") from None
            await uow.refresh_tokens.mark_rotated(token.id, now=now)
            pair, _ = await self._sessions.issue(uow, user, family_id=token.family_id)
            actor = Actor(user_id=user.id, role=user.role, trace_id=trace_id)
            await uow.audit.record(actor, "session.refreshed", "session", token.family_id)
            await uow.commit()
        return pair
