"""Reading renders: one render, the renders of a track, the finished audio."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Literal
from uuid import UUID

from application.actor import Actor
from application.authorization import authorize
from application.errors import Conflict, FieldError, InvalidInput, NotFound
from application.pagination import PageOf, PageRequest
from application.ports.blobs import BlobStore
from application.ports.subtitles import SubtitleCodec
from application.ports.subtitles_uow import QueuedUnitOfWork
from domain.media import playable_extension
from domain.projects import ProjectAction
from domain.render_report import CueFitReport
from domain.renders import MEDIA_TYPES, Render, RenderStatus
from domain.spoken_subtitles import spoken_timings
from domain.subtitles import SubtitleFormat


class GetRender:
    def __init__(self, uow: QueuedUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, render_id: UUID) -> Render:
        async with self._uow as uow:
            access = await uow.renders.access(render_id, actor.user_id)
            await uow.commit()
        if access is None:
            raise NotFound("render", render_id)
        authorize(actor, ProjectAction.READ, entity="render", entity_id=render_id, project_role=access.role)
        return access.render


class GetRenderReport:
    """A page of what a render did with each cue: fit, speed, the voice that spoke it."""

    def __init__(self, uow: QueuedUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, render_id: UUID, page: PageRequest[int]) -> PageOf[CueFitReport]:
        async with self._uow as uow:
            access = await uow.renders.access(render_id, actor.user_id)
            if access is None:
                raise NotFound("render", render_id)
            authorize(actor, ProjectAction.READ, entity="render", entity_id=render_id, project_role=access.role)
            found = await uow.renders.report(render_id, page)
            await uow.commit()
        return found


class ListTrackRenders:
    def __init__(self, uow: QueuedUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, track_id: UUID, page: PageRequest[UUID]) -> PageOf[Render]:
        async with self._uow as uow:
            access = await uow.track_source.access(track_id, actor.user_id)
            if access is None:
                raise NotFound("track", track_id)
            authorize(actor, ProjectAction.READ, entity="track", entity_id=track_id, project_role=access.role)
            found = await uow.renders.list_for_track(track_id, page)
            await uow.commit()
        return found


RenderPart = Literal["audio", "video", "voice", "original"]


class RenderAudio:
    """A file of a render (the audio or video, the voice stem, or the original media it was made over): its
    key, extension, Content-Type and size, and its bytes streamed from the store (whole or one range)."""

    def __init__(self, render: Render, store: BlobStore, key: str, extension: str, size: int) -> None:
        self.render = render
        self.key = key
        self.format = extension
        self.media_type = MEDIA_TYPES.get(extension, "application/octet-stream")
        self.size = size
        self._store = store

    async def read(self, first: int, last: int) -> AsyncIterator[bytes]:
        return await self._store.read_range(self.key, first, last)


class GetRenderAudio:
    """A file of a render the caller may read: the audio (voice or mix), the delivered video, the voice stem,
    or the original media the render was mixed over; 409 while the render is not succeeded or when it has no
    such file."""

    def __init__(self, uow: QueuedUnitOfWork, artifacts: BlobStore) -> None:
        self._uow = uow
        self._get = GetRender(uow)
        self._artifacts = artifacts

    async def execute(self, actor: Actor, render_id: UUID, part: RenderPart = "audio") -> RenderAudio:
        render = await self._get.execute(actor, render_id)
        if render.status is not RenderStatus.SUCCEEDED:
            raise Conflict(
                f"the render is {render.status.value}; its files exist once it succeeded", code="render_not_ready"
            )
        if part == "audio" and render.options.is_container:
            raise Conflict(
                f"the render is a {render.format} video: download /video, or /stems/voice", code="render_is_video"
            )
        if part == "video" and not render.options.is_container:
            raise Conflict(f"the render is {render.format} audio: download /audio", code="render_not_video")
        if part == "original":
            return await self._original(render)
        key = render.stem_key if part == "voice" else render.blob_key
        extension = render.options.stem_format if part == "voice" else render.format
        return RenderAudio(render, self._artifacts, key, extension, await self._artifacts.stat(key))

    async def _original(self, render: Render) -> RenderAudio:
        media_id = render.options.media_id
        media = None
        if media_id is not None:
            async with self._uow as uow:
                media = await uow.media.find_for_track(render.track_id, media_id)
                await uow.commit()
        if media is None:
            raise Conflict("the render was made without media, or its media was deleted", code="render_has_no_media")
        size = await self._artifacts.stat(media.blob_key)
        return RenderAudio(render, self._artifacts, media.blob_key, playable_extension(media.container), size)


class GetRenderSubtitles:
    """The render's subtitles with the timings as spoken in the dub (SRT or WebVTT), once it succeeded."""

    FORMATS = (SubtitleFormat.SRT, SubtitleFormat.VTT)

    def __init__(self, uow: QueuedUnitOfWork, codec: SubtitleCodec) -> None:
        self._uow = uow
        self._codec = codec

    async def execute(self, actor: Actor, render_id: UUID, fmt: str) -> tuple[SubtitleFormat, bytes]:
        async with self._uow as uow:
            access = await uow.renders.access(render_id, actor.user_id)
            if access is None:
                raise NotFound("render", render_id)
            authorize(actor, ProjectAction.READ, entity="render", entity_id=render_id, project_role=access.role)
            if fmt not in {f.value for f in self.FORMATS}:
                raise InvalidInput(
                    f"format must be srt or vtt, not {fmt!r}",
                    [FieldError("format", "srt or vtt")],
                    code="unsupported_format",
                )
            if access.render.status is not RenderStatus.SUCCEEDED:
                raise Conflict(
                    f"the render is {access.render.status.value}; its subtitles exist once it succeeded",
                    code="render_not_ready",
                )
            cues = await uow.renders.cues(render_id)
            fits = await uow.renders.full_report(render_id) or []
        chosen = SubtitleFormat(fmt)
        return chosen, await self._codec.export(spoken_timings(cues, fits), chosen)
