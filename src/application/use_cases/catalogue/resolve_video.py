"""A project's video, looked up when the project is created (API: `POST /projects` with `video`).

Unknown video → 422 (`unknown_video`). Provider down, rate limited or not configured → the reference
is kept with status `pending` and the project is created anyway (never a 5xx for this).
"""

from __future__ import annotations

from application.errors import DependencyUnavailable, FieldError, InvalidInput, NotFound
from application.ports.catalog import VideoCatalog, VideoMetadata
from domain.projects import VideoRef


async def resolve_video(videos: VideoCatalog | None, provider: str, video_id: str) -> VideoRef:
    pending = VideoRef(provider=provider, id=video_id)  # validates the provider and the id's shape
    if videos is None or videos.provider != provider:
        return pending
    try:
        metadata = await videos.video(video_id)
    except NotFound:
        raise InvalidInput(
            f"there is no {provider} video {video_id}",
            [FieldError("video.id", "no such video (or it is private)")],
            code="unknown_video",
        ) from None
    except DependencyUnavailable:
        return pending
    return ready_video(metadata)


def ready_video(metadata: VideoMetadata) -> VideoRef:
    return VideoRef(
        provider=metadata.provider,
        id=metadata.id,
        status="ready",
        title=metadata.title,
        duration_ms=metadata.duration_ms,
        language=metadata.language,
        thumbnail_url=metadata.thumbnail_url,
    )
