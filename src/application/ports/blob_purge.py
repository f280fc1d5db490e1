"""Deleted projects whose stored files still have to leave the blob store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

import msgspec


class ProjectBlobs(msgspec.Struct, frozen=True, kw_only=True):
    project_id: UUID
    keys: list[str]
    settled: bool  # False while one of its renders may still write (queued or running): purge again later


class DeletedProjectBlobs(Protocol):
    async def pending(self, limit: int) -> list[ProjectBlobs]:
        """Deleted projects not purged yet, oldest deletion first, with every blob key they own."""
        ...

    async def mark_purged(self, project_ids: Sequence[UUID], *, at: datetime) -> None: ...
