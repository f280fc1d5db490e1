from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.users import AuthState


class AuthStates(Protocol):
    """The current token epoch and role of each user, cached briefly; `forget` after every change."""

    async def get(self, user_id: UUID) -> AuthState | None: ...

    async def forget(self, user_id: UUID) -> None: ...
