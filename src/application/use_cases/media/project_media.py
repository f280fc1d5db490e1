"""Media of a project: upload (streamed into the blob store, probed, then recorded), list, delete."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Protocol
from uuid import UUID

import msgspec

from application.actor import Actor
from application.errors import FieldError, InvalidInput, NotFound
from application.pagination import PageOf, PageRequest
from application.ports.blobs import BlobStore
from application.ports.clock import Clock, IdGenerator
from application.ports.media import MediaProbe, ProbedMedia
from application.ports.subtitles_uow import SubtitlesUnitOfWork
from application.use_cases.subtitles.common import audit_changes, end_read, project_for
from domain.media import MEDIA_ROLES, Media, media_blob_key, media_kind
from domain.projects import ProjectAction

DEFAULT_MAX_MEDIA_BYTES = 4 * 1024**3


class UploadedFile(msgspec.Struct, frozen=True, kw_only=True):
    filename: str | None
    size: int
    fields: dict[str, str]  # the form's other fields


class UploadSource(Protocol):
    def file_chunks(self, *, limit: int) -> AsyncIterator[bytes]:
        """The upload's file as it arrives, the whole request read before the iterator ends; raises
        PayloadTooLarge past `limit` bytes, a validation error when there is no file part."""
        ...

    def uploaded(self) -> UploadedFile:
        """The file's name and size and the form's other fields, once the chunks are read."""
        ...


class UploadMedia:
    def __init__(
        self,
        uow: SubtitlesUnitOfWork,
        store: BlobStore,
        probe: MediaProbe,
        clock: Clock,
        ids: IdGenerator,
        *,
        max_bytes: int = DEFAULT_MAX_MEDIA_BYTES,
    ) -> None:
        self._uow = uow
        self._store = store
        self._probe = probe
        self._clock = clock
        self._ids = ids
        self.max_bytes = max_bytes

    async def execute(self, actor: Actor, project_id: UUID, source: UploadSource) -> Media:
        async with self._uow as uow:  # nothing is stored for a caller who may not add media
            await project_for(uow, actor, project_id, ProjectAction.EDIT)
            await end_read(uow)
        media_id = self._ids.new_id()
        key = media_blob_key(project_id, media_id)
        # streamed into the store, published only once whole: an interrupted or refused upload leaves nothing
        size = await self._store.put_chunks(key, source.file_chunks(limit=self.max_bytes))
        try:
            uploaded = source.uploaded()
            role = uploaded.fields.get("role", "original")
            if role not in MEDIA_ROLES:
                raise InvalidInput(
                    f"role must be one of {', '.join(MEDIA_ROLES)}", [FieldError("role", f"unknown role {role!r}")]
                )
            probed = await asyncio.to_thread(self._probe_blob, key)
            media = Media(
                id=media_id,
                project_id=project_id,
                role=role,  # type: ignore[arg-type]
                kind=media_kind(probed.streams),
                container=probed.container,
                duration_ms=probed.duration_ms,
                streams=probed.streams,
                size_bytes=size,
                filename=uploaded.filename,
                uploaded_by=actor.user_id,
                created_at=self._clock.now(),
            )
            async with self._uow as uow:
                await project_for(uow, actor, project_id, ProjectAction.EDIT)  # still there, still allowed
                await uow.media.add(media)
                changes = audit_changes(project_id, role=role, size_bytes=size, filename=uploaded.filename)
                await uow.audit.record(actor, "media.uploaded", "media", media_id, changes, trace_id=actor.trace_id)
                await uow.commit()
        except BaseException:
            await asyncio.shield(self._store.delete_many([key]))
            raise
        return media

    def _probe_blob(self, key: str) -> ProbedMedia:
        with self._store.reader(key) as handle:
            return self._probe.probe(handle)


class ListMedia:
    def __init__(self, uow: SubtitlesUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, project_id: UUID, page: PageRequest[UUID]) -> PageOf[Media]:
        async with self._uow as uow:
            await project_for(uow, actor, project_id, ProjectAction.READ)
            found = await uow.media.list_for_project(project_id, page)
            await end_read(uow)
        return found


class DeleteMedia:
    def __init__(self, uow: SubtitlesUnitOfWork, store: BlobStore) -> None:
        self._uow = uow
        self._store = store

    async def execute(self, actor: Actor, project_id: UUID, media_id: UUID) -> None:
        async with self._uow as uow:
            await project_for(uow, actor, project_id, ProjectAction.EDIT)
            if not await uow.media.delete(project_id, media_id):
                raise NotFound("media", media_id)
            await uow.audit.record(
                actor, "media.deleted", "media", media_id, audit_changes(project_id), trace_id=actor.trace_id
            )
            await uow.commit()
        await self._store.delete_many([media_blob_key(project_id, media_id)])
