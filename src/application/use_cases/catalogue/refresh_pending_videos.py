"""Fill in the video metadata of projects created while the video provider was down (`video.status: pending`).

The sweep behind `subdub videos refresh` and the worker's periodic `refresh_pending_videos` job: the safety
net for projects whose own `fill_project_video` job ran out of retries. Looks each video up outside any
transaction, then writes it only if it is still the same pending video (a concurrent change wins). A video
that no longer exists is marked `not_found`. Audited as a system change.
"""

from __future__ import annotations

import msgspec

from application.errors import InvalidInput
from application.ports.catalog import VideoCatalog
from application.ports.clock import Clock
from application.ports.subtitles_uow import SubtitlesUnitOfWork
from application.use_cases.catalogue.fill_project_video import record_video
from application.use_cases.catalogue.resolve_video import resolve_video
from domain.projects import VideoRef


class RefreshReport(msgspec.Struct, frozen=True, kw_only=True):
    filled: int = 0
    not_found: int = 0
    still_pending: int = 0


class RefreshPendingVideos:
    def __init__(self, uow: SubtitlesUnitOfWork, videos: VideoCatalog | None, clock: Clock) -> None:
        self._uow = uow
        self._videos = videos
        self._clock = clock

    async def execute(self, *, limit: int = 100, trace_id: str | None = None) -> RefreshReport:
        if self._videos is None:
            return RefreshReport()
        async with self._uow as uow:
            pending = await uow.projects.pending_videos(limit=limit)
            await uow.commit()  # read-only; COMMIT keeps psycopg's prepared statements
        report = RefreshReport(still_pending=len(pending))
        for project in pending:
            if project.video is None:  # pending_videos answers only projects with a video
                continue
            try:
                video = await resolve_video(self._videos, project.video.provider, project.video.id)
            except InvalidInput:  # the video is gone (or private)
                video = VideoRef(provider=project.video.provider, id=project.video.id, status="not_found")
            if video.status == "pending":
                break  # the provider is down again: the rest waits for the next run
            await record_video(self._uow, self._clock, project.id, video, trace_id=trace_id)
            ready = video.status == "ready"
            report = RefreshReport(
                filled=report.filled + ready,
                not_found=report.not_found + (not ready),
                still_pending=report.still_pending - 1,
            )
        return report
