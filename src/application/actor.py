"""Who is calling: the authenticated user as the use cases see it."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

import msgspec


class GlobalRole(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    user_id: UUID
    role: GlobalRole
    trace_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is GlobalRole.ADMIN
