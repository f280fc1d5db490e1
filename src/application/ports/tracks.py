"""Storage of tracks and cues, including the per-track change sequence that feeds offline sync."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

import msgspec

from application.pagination import PageOf, PageRequest
from domain.projects import ProjectRole
from domain.subtitles import Cue, Track
from domain.sync import CueVersion


class TrackAccess(msgspec.Struct, frozen=True, kw_only=True):
    """A live track of a live project and the caller's role in that project (None: not a member)."""

    track: Track
    role: ProjectRole | None


class StoredCue(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A cue as stored (live or tombstone) and the change number that wrote it."""

    track_id: UUID
    cue: Cue
    seq: int
    deleted: bool = False

    @property
    def version(self) -> CueVersion:
        return CueVersion(cue=self.cue, deleted=self.deleted)

    @property
    def key(self) -> CueKey:
        """The cue's position in its track's `(start_ms, id)` order."""
        return CueKey(start_ms=self.cue.start_ms, id=self.cue.id)


class CueKey(msgspec.Struct, frozen=True, kw_only=True, array_like=True, gc=False):
    """A position in the `(start_ms, id)` order of a track's cues."""

    start_ms: int
    id: UUID


class TrackRepository(Protocol):
    async def add(self, track: Track) -> None: ...

    async def add_imported(self, track: Track, *, job_id: int) -> bool:
        """Adds the track as the one written by import job `job_id`; False (nothing written) when that job
        already wrote a track (committed before, or by a concurrent run of the same job)."""
        ...

    async def find_imported(self, job_id: int) -> Track | None:
        """The track import job `job_id` wrote, deleted or not, with cue_count and duration_ms."""
        ...

    async def access(self, track_id: UUID, user_id: UUID, *, with_stats: bool = False) -> TrackAccess | None:
        """The track (cue_count and duration_ms only `with_stats`) and the user's role in its project."""
        ...

    async def list(self, project_id: UUID, page: PageRequest[UUID]) -> PageOf[Track]:
        """Live tracks by id with cue_count and duration_ms filled in (position: the track id)."""
        ...

    async def update(self, track: Track) -> None: ...

    async def soft_delete(self, track_id: UUID, *, at: datetime) -> None: ...

    async def lock(self, track_id: UUID) -> int:
        """Locks the track until commit (serialising writers) and returns its last change number."""
        ...

    async def reserve_changes(self, track_id: UUID, count: int) -> int:
        """Hands out `count` change numbers (locking the track until commit); returns the first."""
        ...


class CueRepository(Protocol):
    async def page(self, track_id: UUID, page: PageRequest[CueKey]) -> PageOf[StoredCue]:
        """Live cues in `(start_ms, id)` order (position: a CueKey)."""
        ...

    async def page_with_role(
        self, track_id: UUID, user_id: UUID, page: PageRequest[CueKey]
    ) -> tuple[ProjectRole | None, PageOf[StoredCue]] | None:
        """The user's role and, for members, a page as `page` gives it, in one round trip; None: no such track."""
        ...

    async def get(self, track_id: UUID, cue_id: UUID, *, for_update: bool = False) -> StoredCue | None:
        """A live cue of the track."""
        ...

    async def find_many(self, cue_ids: Sequence[UUID]) -> dict[UUID, StoredCue]:
        """Cues with these ids in any track, tombstones included, locked until commit."""
        ...

    async def write_many(self, track_id: UUID, versions: Sequence[tuple[CueVersion, int]], *, at: datetime) -> None:
        """Inserts or replaces each (version, change number) in one round trip."""
        ...

    async def changes(self, track_id: UUID, *, after_seq: int, limit: int) -> list[StoredCue]:
        """Cues (tombstones included) written after the change number, in change order, `limit` rows."""
        ...
