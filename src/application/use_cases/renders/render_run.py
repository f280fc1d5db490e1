"""The bookkeeping of one render run, each step its own transaction: start the run (with what it renders),
record its heartbeat, and record how it ended. The wiring wraps the steps in the one write retry, so
they outlive a collision or a database restart; the engine work between them is never re-run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec

from application.audio_pipeline.delivery import MediaSources
from application.errors import NotFound
from application.ports.blobs import BlobStore
from application.ports.clock import Clock
from application.ports.renders import HeartbeatAck
from application.ports.subtitles_uow import QueuedUnitOfWork
from domain.delivery import bed_stream_for
from domain.lexicon import Lexicon
from domain.media import Media
from domain.render_options import RenderOptions
from domain.render_report import RenderReport
from domain.renders import Render
from domain.speaking_rate import rate_sums
from domain.timing import RenderCue


@dataclass(frozen=True)
class RenderRun:
    """A started run: the render (its `attempts` names the run) and what it renders."""

    render: Render
    cues: list[RenderCue]
    media: MediaSources | None
    lexicon: Lexicon | None

    @property
    def number(self) -> int:
        return self.render.attempts


@dataclass(frozen=True)
class Cancelled:
    """The run stopped because a cancel was asked for."""


@dataclass(frozen=True)
class GivenBack:
    """A transient failure (or a worker shutting down): the render is queued again."""

    problem: dict[str, Any] | None


@dataclass(frozen=True)
class Failed:
    """A permanent failure, or the last attempt."""

    problem: dict[str, Any]


@dataclass(frozen=True)
class Succeeded:
    report: RenderReport
    cues: list[RenderCue]
    options: RenderOptions


RunEnding = Cancelled | GivenBack | Failed | Succeeded


class StartRenderRun:
    """queued|running → running with one more attempt; None when the render is finished or gone."""

    def __init__(self, uow: QueuedUnitOfWork, artifacts: BlobStore, clock: Clock) -> None:
        self._uow = uow
        self._artifacts = artifacts
        self._clock = clock

    async def execute(self, render_id: UUID) -> RenderRun | None:
        async with self._uow as uow:
            render = await uow.renders.start(render_id, at=self._clock.now())
            if render is None:
                return None
            cues = await uow.renders.cues(render_id)
            media = await self._media_of(uow, render)
            lexicon = await uow.lexicons.for_track(render.track_id)
            await uow.commit()
        return RenderRun(render, cues, media, lexicon)

    async def _media_of(self, uow: QueuedUnitOfWork, render: Render) -> MediaSources | None:
        """The files of a render over media (deleted since the request: the render fails, 404 `media`)."""
        options = render.options
        if not options.with_media:
            return None
        original = await _find_media(uow, render, options.media_id)
        stem = await _find_media(uow, render, options.music_effects_id)
        bed_stream = bed_stream_for(options, original, stem)
        bed = stem if options.mix == "replace" else original if options.mix == "voiceover" else None
        return MediaSources(
            store=self._artifacts,
            original_key=None if original is None else original.blob_key,
            bed_key=None if bed is None else bed.blob_key,
            bed_stream=bed_stream,
        )


async def _find_media(uow: QueuedUnitOfWork, render: Render, media_id: UUID | None) -> Media | None:
    if media_id is None:
        return None
    media = await uow.media.find_for_track(render.track_id, media_id)
    if media is None:
        raise NotFound("media", media_id)
    return media


class BeatRenderRun:
    """Progress and liveness of a run; the answer says whether it still owns the render and if a cancel waits."""

    def __init__(self, uow: QueuedUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, render_id: UUID, run: int, *, done: int, total: int) -> HeartbeatAck:
        async with self._uow as uow:
            ack = await uow.renders.heartbeat(render_id, done=done, total=total, at=self._clock.now(), run=run)
            await uow.commit()
        return ack


class FinishRenderRun:
    """Records how a run ended; False when a later run owns the render (this one then changed nothing)."""

    def __init__(self, uow: QueuedUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, render_id: UUID, run: int, ending: RunEnding) -> bool:
        at = self._clock.now()
        async with self._uow as uow:
            renders = uow.renders
            match ending:
                case Cancelled():
                    done = await renders.cancel(render_id, at=at, run=run)
                case GivenBack(problem):
                    done = await renders.requeue(render_id, error=problem, at=at, run=run)
                case Failed(problem):
                    done = await renders.fail(render_id, error=problem, at=at, run=run)
                case Succeeded(report, cues, options):
                    done = await renders.succeed(
                        render_id,
                        stats=public_stats(report),
                        report=report.cues,
                        duration_ms=report.stats.duration_ms,
                        size_bytes=report.stats.size_bytes,
                        at=at,
                        run=run,
                    )
                    if done:
                        await uow.speaking_rates.add(rate_sums(cues, report.cues, options.voice))
            await uow.commit()
        return done


def public_stats(report: RenderReport) -> dict[str, Any]:
    """What a finished render shows its readers about how it went."""
    stats, loudness = report.stats, report.loudness
    public: dict[str, Any] = {
        "cues": stats.cues,
        "synthesized": stats.synthesized,
        "from_cache": stats.from_cache,
        "sped_up": stats.sped_up,
        "truncated": stats.truncated,
        "overlapping": stats.overlapping,
        "max_speed_used": stats.max_speed_used,
        "refitted": stats.refitted,
        "engine_requests": stats.engine_requests,
        "loudness_lufs": loudness.measured_lufs,
        "gain_db": loudness.gain_db,
        "target_lufs": loudness.target_lufs,
        "output_lufs": loudness.output_lufs,
        "true_peak_dbtp": loudness.true_peak_dbtp,
        "limited_ms": loudness.limited_ms,
        "limiter_max_db": loudness.limiter_max_db,
        "voices": sorted({fit.voice for fit in report.cues if fit.voice}),
    }
    if report.delivery is not None:
        public["delivery"] = msgspec.to_builtins(report.delivery)
    return public
