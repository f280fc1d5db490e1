from __future__ import annotations

from application.actor import Actor
from application.ports.auth_state import AuthStates
from application.ports.clock import Clock
from application.ports.security import OpaqueTokens
from application.ports.unit_of_work import UnitOfWork


class LogOut:
    """Revokes the session (the token's whole family). Unknown tokens change nothing and say nothing."""

    def __init__(self, uow: UnitOfWork, opaque_tokens: OpaqueTokens, clock: Clock, states: AuthStates) -> None:
        self._uow = uow
        self._opaque = opaque_tokens
        self._clock = clock
        self._states = states

    async def execute(self, refresh_token: str, *, trace_id: str | None = None) -> None:
        now = self._clock.now()
        async with self._uow as uow:
            token = await uow.refresh_tokens.get_for_update(self._opaque.digest(refresh_token))
            if token is None or token.revoked_at is not None:
                return
            revoked = await uow.refresh_tokens.revoke_family(token.family_id, now=now)
            owner = await uow.users.find(token.user_id)
            actor = Actor(user_id=owner.id, role=owner.role, trace_id=trace_id) if owner else None
            await uow.audit.record(
                actor, "session.revoked", "session", token.family_id, {"revoked_tokens": revoked}, trace_id=trace_id
            )
            await uow.commit()
        await self._states.forget(token.user_id)  # the session's access tokens stop working at once
