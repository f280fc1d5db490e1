"""Fill in one project's pending video: run by the job its creation queued (`fill_project_video`).

The video is looked up outside any transaction. Provider down, rate limited or answering garbage →
the error propagates and the job is retried with backoff; a video that no longer exists is marked
`not_found` (no retry helps). The write happens only while the project still has that same pending
video (a concurrent change or the periodic sweep wins), and is audited as a system change carrying
the trace id of the request that created the project.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from application.errors import NotFound
from application.ports.catalog import VideoCatalog
from application.ports.clock import Clock
from application.ports.subtitles_uow import SubtitlesUnitOfWork
from application.use_cases.catalogue.resolve_video import ready_video
from application.use_cases.subtitles.common import end_read
from domain.projects import VideoRef


class VideoFill(StrEnum):
    READY = "ready"  # metadata written
    NOT_FOUND = "not_found"  # the provider has no such video (any more): marked so
    UNCHANGED = "unchanged"  # nothing pending any more (filled, changed or project deleted)
    DISABLED = "disabled"  # the provider is not configured here: left pending for the sweep


async def record_video(
    uow: SubtitlesUnitOfWork, clock: Clock, project_id: UUID, video: VideoRef, *, trace_id: str | None
) -> bool:
    """Writes the looked-up video if the project still has it pending (compare-and-set), audited."""
    async with uow:
        if not await uow.projects.fill_video(project_id, video, at=clock.now()):
            await end_read(uow)
            return False
        changes = {"project_id": str(project_id), "video_status": video.status}
        await uow.audit.record(None, "project.video_filled", "project", project_id, changes, trace_id=trace_id)
        await uow.commit()
    return True


class FillProjectVideo:
    def __init__(self, uow: SubtitlesUnitOfWork, videos: VideoCatalog | None, clock: Clock) -> None:
        self._uow = uow
        self._videos = videos
        self._clock = clock

    async def execute(self, project_id: UUID, *, trace_id: str | None = None) -> VideoFill:
        async with self._uow as uow:
            pending = await uow.projects.pending_video(project_id)
            await end_read(uow)
        if pending is None:
            return VideoFill.UNCHANGED
        if self._videos is None or self._videos.provider != pending.provider:
            return VideoFill.DISABLED
        try:
            video = ready_video(await self._videos.video(pending.id))
        except NotFound:
            video = VideoRef(provider=pending.provider, id=pending.id, status="not_found")
        if not await record_video(self._uow, self._clock, project_id, video, trace_id=trace_id):
            return VideoFill.UNCHANGED
        return VideoFill(video.status)
