"""Where a project's cast is kept."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

import msgspec

from domain.cast import Cast


class StoredCast(msgspec.Struct, frozen=True, kw_only=True):
    project_id: UUID
    cast: Cast
    version: int  # 0: the project has no cast yet (the empty cast)
    updated_at: datetime | None


class CastRepository(Protocol):
    async def get(self, project_id: UUID, *, for_update: bool = False) -> StoredCast | None: ...

    async def save(self, project_id: UUID, cast: Cast, *, version: int, at: datetime) -> None:
        """Insert (version 1) or replace the cast with this version."""
        ...

    async def speakers(self, project_id: UUID) -> set[str]:
        """The speakers of the live cues of the project's live tracks."""
        ...
