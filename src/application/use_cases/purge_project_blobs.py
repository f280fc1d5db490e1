"""Removes the stored files of deleted projects (and of erased users' projects) from the blob store."""

from __future__ import annotations

import msgspec

from application.ports.blob_purge import DeletedProjectBlobs
from application.ports.blobs import BlobStore
from application.ports.clock import Clock


class PurgeReport(msgspec.Struct, frozen=True, kw_only=True):
    projects: int
    blobs: int
    postponed: int  # projects with a render still running: their files are deleted by a later sweep


class PurgeProjectBlobs:
    """Deletes first, then marks the project purged: a crash in between only repeats idempotent deletes."""

    def __init__(self, source: DeletedProjectBlobs, store: BlobStore, clock: Clock) -> None:
        self._source, self._store, self._clock = source, store, clock

    async def execute(self, *, limit: int = 100) -> PurgeReport:
        batch = await self._source.pending(limit)
        keys = [key for project in batch for key in project.keys]
        await self._store.delete_many(keys)
        done = [project.project_id for project in batch if project.settled]
        if done:
            await self._source.mark_purged(done, at=self._clock.now())
        return PurgeReport(projects=len(done), blobs=len(keys), postponed=len(batch) - len(done))
