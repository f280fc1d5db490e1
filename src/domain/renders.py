"""A render request and its life: queued → running → succeeded | failed | cancelled."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

import msgspec

from domain.render_options import RenderOptions


class RenderStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED = frozenset({RenderStatus.SUCCEEDED, RenderStatus.FAILED, RenderStatus.CANCELLED})


class Progress(msgspec.Struct, frozen=True, kw_only=True):
    done: int = 0
    total: int = 0

    @property
    def percent(self) -> float:
        return round(100.0 * self.done / self.total, 1) if self.total else 0.0


class Render(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    track_id: UUID
    requested_by: UUID
    status: RenderStatus
    options: RenderOptions
    cue_count: int
    progress: Progress = Progress()
    heartbeat_at: datetime | None = None
    attempts: int = 0
    cancel_requested: bool = False
    stats: dict[str, Any] | None = None
    duration_ms: int | None = None
    size_bytes: int | None = None
    error: dict[str, Any] | None = None  # an RFC 9457 problem object
    trace_id: str | None = None
    job_id: int | None = None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def format(self) -> str:
        return self.options.format

    @property
    def blob_key(self) -> str:
        return render_blob_key(self.id, self.options.format)

    @property
    def stem_key(self) -> str:
        """The voice-only track: the artifact itself, or a FLAC beside a mix or a delivered video."""
        if not self.options.with_media:
            return self.blob_key
        return render_stem_key(self.id, self.options.stem_format)


def render_blob_key(render_id: UUID, audio_format: str) -> str:
    """Derived from the render id alone: a render that runs twice publishes the same one artifact."""
    return f"renders/{render_id}.{audio_format}"


def render_stem_key(render_id: UUID, audio_format: str) -> str:
    return f"renders/{render_id}.voice.{audio_format}"


def progress_total(cue_count: int, options: RenderOptions) -> int:
    """Work units of a render: synthesis and mixing weigh one per cue each, delivery over media one more."""
    return (3 if options.with_media else 2) * cue_count


AUDIO_MEDIA_TYPES = {
    "wav": "audio/wav",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
}
VIDEO_MEDIA_TYPES = {"mkv": "video/x-matroska", "mp4": "video/mp4", "webm": "video/webm"}
MEDIA_TYPES = {**AUDIO_MEDIA_TYPES, **VIDEO_MEDIA_TYPES}
