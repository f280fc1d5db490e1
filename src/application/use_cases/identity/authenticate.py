from __future__ import annotations

from uuid import UUID

from application.actor import Actor
from application.errors import Unauthenticated
from application.ports.auth_state import AuthStates
from application.ports.security import AccessTokens

REVOKED = "the access token is no longer valid"


class Authenticate:
    """Bearer token → Actor: signature and claims first, then the user's current token epoch (cached briefly)."""

    def __init__(self, access_tokens: AccessTokens, states: AuthStates) -> None:
        self._tokens = access_tokens
        self._states = states

    async def execute(self, token: str, *, trace_id: str | None = None, render_id: UUID | None = None) -> Actor:
        """With `render_id`, the token must be a playback token for that render (and nothing else opens it)."""
        claims = self._tokens.verify(token, render_id=render_id)
        state = await self._states.get(claims.user_id)
        if state is None or not state.active or state.token_epoch != claims.token_epoch:
            raise Unauthenticated(REVOKED, code="token_revoked")
        if claims.session_id is not None and claims.session_id in state.revoked_sessions:
            raise Unauthenticated(REVOKED, code="session_revoked")
        return Actor(user_id=claims.user_id, role=state.role, trace_id=trace_id)
