"""A project's pronunciation lexicon, stored as one versioned document."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

import msgspec

from domain.lexicon import Lexicon


class StoredLexicon(msgspec.Struct, frozen=True, kw_only=True):
    lexicon: Lexicon
    version: int  # 0: the project has none yet
    updated_at: datetime | None = None


class LexiconRepository(Protocol):
    async def get(self, project_id: UUID) -> StoredLexicon | None: ...

    async def for_track(self, track_id: UUID) -> Lexicon | None:
        """The lexicon of the track's project, if it has one."""
        ...

    async def put(self, project_id: UUID, lexicon: Lexicon, *, version: int, at: datetime) -> None:
        """Writes the lexicon as `version` (1 for the first)."""
        ...
