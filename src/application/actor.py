"""Who is calling: the authenticated user as the use cases see it."""

from __future__ import annotations

from uuid import UUID

import msgspec

from domain.users import GlobalRole

__all__ = ["Actor", "GlobalRole"]


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    user_id: UUID
    role: GlobalRole
    trace_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is GlobalRole.ADMIN
