"""Bodies of the Renders and Administration routes (API.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from adapters.media.languages import to_bcp47
from application.ports.renders import JobInfo
from domain.planner import DEFAULT_LEAD_MS
from domain.render_options import DEFAULT_VOICE, RenderOptions
from domain.renders import Render
from domain.voices import VoiceRef
from entrypoints.http.subtitles_schemas import VoiceIn, VoiceOut

LanguageTag = Annotated[str, msgspec.Meta(min_length=2, max_length=35)]


class RenderIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # none: the voice of the track's language (the neural voice for English, espeak-ng's otherwise)
    voice: VoiceIn | None = None
    format: Literal["wav", "flac", "ogg", "mp3", "mkv", "mp4", "webm"]
    sample_rate: int = 24000
    loudness_lufs: float = -16.0
    max_speed: float = 1.6
    overflow: Literal["compress", "truncate", "overlap"] = "overlap"
    borrow: Literal["gap"] | int | None = None  # "gap" (default): the silence up to the next cue; or ms
    borrow_ms: int | None = None  # the older spelling of a fixed `borrow`
    lead_ms: int = DEFAULT_LEAD_MS
    max_rate_step: float = 0.15
    mix: Literal["voice", "voiceover", "replace"] = "voice"
    media_id: UUID | None = None
    music_effects_id: UUID | None = None
    duck_db: float = -12.0
    language: LanguageTag | None = None
    default_track: Literal["dub", "original"] = "dub"
    source_language: LanguageTag | None = None

    def options(self) -> RenderOptions:
        """Ranges are checked by the domain (422 with the field named)."""
        borrow = self.borrow if self.borrow is not None else self.borrow_ms
        return RenderOptions(
            voice=DEFAULT_VOICE if self.voice is None else VoiceRef(engine=self.voice.engine, name=self.voice.name),
            format=self.format,
            sample_rate=self.sample_rate,
            loudness_lufs=self.loudness_lufs,
            max_speed=self.max_speed,
            overflow=self.overflow,
            borrow_ms=None if borrow == "gap" else borrow,
            lead_ms=self.lead_ms,
            max_rate_step=self.max_rate_step,
            mix=self.mix,
            media_id=self.media_id,
            music_effects_id=self.music_effects_id,
            duck_db=self.duck_db,
            language=self.language,
            default_track=self.default_track,
            source_language=None if self.source_language is None else to_bcp47(self.source_language),
        )


class ProgressOut(msgspec.Struct):
    done: int
    total: int
    percent: float


class RenderOut(msgspec.Struct, kw_only=True):
    id: UUID
    track_id: UUID
    status: str
    progress: ProgressOut
    heartbeat_at: datetime | None
    attempts: int
    stats: dict[str, Any] | None
    duration_ms: int | None
    format: str
    size_bytes: int | None
    error: dict[str, Any] | None
    voice: VoiceOut
    sample_rate: int
    loudness_lufs: float
    max_speed: float
    overflow: str
    borrow: Literal["gap"] | int
    lead_ms: int
    max_rate_step: float
    mix: str
    media_id: UUID | None
    music_effects_id: UUID | None
    duck_db: float
    language: str | None
    default_track: str
    source_language: str | None
    cue_count: int
    cancel_requested: bool
    trace_id: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, render: Render) -> RenderOut:
        options = render.options
        return cls(
            id=render.id,
            track_id=render.track_id,
            status=render.status.value,
            progress=ProgressOut(render.progress.done, render.progress.total, render.progress.percent),
            heartbeat_at=render.heartbeat_at,
            attempts=render.attempts,
            stats=render.stats,
            duration_ms=render.duration_ms,
            format=options.format,
            size_bytes=render.size_bytes,
            error=render.error,
            voice=VoiceOut(engine=options.voice.engine, name=options.voice.name),
            sample_rate=options.sample_rate,
            loudness_lufs=options.loudness_lufs,
            max_speed=options.max_speed,
            overflow=options.overflow,
            borrow="gap" if options.borrow_ms is None else options.borrow_ms,
            lead_ms=options.lead_ms,
            max_rate_step=options.max_rate_step,
            mix=options.mix,
            media_id=options.media_id,
            music_effects_id=options.music_effects_id,
            duck_db=options.duck_db,
            language=options.language,
            default_track=options.default_track,
            source_language=options.source_language,
            cue_count=render.cue_count,
            cancel_requested=render.cancel_requested,
            trace_id=render.trace_id,
            created_at=render.created_at,
            started_at=render.started_at,
            finished_at=render.finished_at,
        )


class JobOut(msgspec.Struct, kw_only=True):
    id: int
    task: str
    status: str
    attempts: int
    last_error: str | None
    trace_id: str | None
    created_at: datetime | None
    scheduled_at: datetime | None

    @classmethod
    def of(cls, job: JobInfo) -> JobOut:
        return cls(
            id=job.id,
            task=job.task,
            status=job.status,
            attempts=job.attempts,
            last_error=job.last_error,
            trace_id=job.trace_id,
            created_at=job.created_at,
            scheduled_at=job.scheduled_at,
        )
