"""The worker side of a render: run the rendering engine on the snapshotted cues, reporting progress
and heartbeat as it goes, and record the outcome. Transient errors are given back for a retry;
permanent ones (or the last attempt) fail the render with a problem object."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from enum import StrEnum
from typing import Any, TypeVar
from uuid import UUID

import msgspec

from application.audio_pipeline.delivery import MediaSources
from application.audio_pipeline.voice_over import RenderCancelled, RenderProgress, RenderVoiceOver
from application.errors import (
    ApplicationError,
    DependencyUnavailable,
    NotFound,
    is_transient,
)
from application.ports.blobs import BlobStore
from application.ports.clock import Clock
from application.ports.subtitles_uow import QueuedUnitOfWork
from domain.delivery import bed_stream_for
from domain.lexicon import Lexicon
from domain.media import Media
from domain.render_options import RenderOptions
from domain.render_report import RenderReport
from domain.renders import Render
from domain.speaking_rate import rate_sums
from domain.timing import RenderCue

T = TypeVar("T")
ProblemOf = Callable[[BaseException, str | None], dict[str, Any]]


class RenderOutcome(StrEnum):
    SUCCEEDED = "succeeded"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"  # already finished by another run, or gone


class RenderRetry(ApplicationError):
    """A transient failure: the render is queued again and its job must be retried with backoff."""

    code = "render_retry"
    retryable = True


class RenderFailed(ApplicationError):
    """A permanent failure, or the last attempt: the render is failed and its job dead-lettered."""

    code = "render_failed"


class ExecuteRender:
    def __init__(
        self,
        uow: Callable[[], QueuedUnitOfWork],
        renderer: RenderVoiceOver,
        artifacts: BlobStore,
        clock: Clock,
        problem_of: ProblemOf,
        *,
        heartbeat_s: float = 2.0,
        database_patience_s: float = 120.0,
    ) -> None:
        self._uow = uow
        self._renderer = renderer
        self._artifacts = artifacts
        self._clock = clock
        self._problem_of = problem_of
        self._heartbeat_s = heartbeat_s
        self._patience_s = database_patience_s

    async def execute(self, render_id: UUID, *, final_attempt: bool) -> RenderOutcome:
        started = await self._durably(lambda: self._start(render_id))
        if started is None:
            return RenderOutcome.SKIPPED
        render, cues, media, lexicon = started
        run = render.attempts  # this run's number: its writes apply only while no later run took over
        if render.cancel_requested:
            await self._durably(lambda: self._write(lambda uow: uow.renders.cancel(render_id, at=self._now(), run=run)))
            return RenderOutcome.CANCELLED
        beat = _Heartbeat(self, render_id, render.progress.total, run)
        try:
            report = await beat.run(
                self._renderer.execute(
                    cues,
                    render.options,
                    render.blob_key,
                    progress=beat.progress,
                    cancel=beat.cancel,
                    stem_key=render.stem_key,
                    media=media,
                    lexicon=lexicon,
                )
            )
        except RenderCancelled:
            if beat.superseded:
                return RenderOutcome.SKIPPED  # a later run owns the render now
            cancelled = await self._durably(
                lambda: self._write(lambda uow: uow.renders.cancel(render_id, at=self._now(), run=run))
            )
            return RenderOutcome.CANCELLED if cancelled else RenderOutcome.SKIPPED
        except asyncio.CancelledError:
            # the worker is shutting down past its grace period: give the render back for another run
            await asyncio.shield(
                self._write(lambda uow: uow.renders.requeue(render_id, error=None, at=self._now(), run=run))
            )
            raise
        except Exception as exc:
            problem = self._problem_of(exc, render.trace_id)
            if not is_transient(exc) or final_attempt:
                failed = await self._durably(
                    lambda: self._write(lambda uow: uow.renders.fail(render_id, error=problem, at=self._now(), run=run))
                )
                if not failed:
                    return RenderOutcome.SKIPPED
                raise RenderFailed(
                    problem.get("detail", str(exc)), code=str(problem.get("code", "render_failed"))
                ) from exc
            requeued = await self._durably(
                lambda: self._write(lambda uow: uow.renders.requeue(render_id, error=problem, at=self._now(), run=run))
            )
            if not requeued:
                return RenderOutcome.SKIPPED
            raise RenderRetry(problem.get("detail", str(exc))) from exc
        if not await self._durably(lambda: self._succeed(render_id, report, run, cues, render.options)):
            return RenderOutcome.SKIPPED
        # leftovers of runs that died mid-write (a run that still writes is no owner: its publish may fail)
        self._artifacts.discard_partials(render.blob_key)
        if render.stem_key != render.blob_key:
            self._artifacts.discard_partials(render.stem_key)
        return RenderOutcome.SUCCEEDED

    def _now(self) -> Any:
        return self._clock.now()

    async def _start(self, render_id: UUID) -> tuple[Render, list[Any], MediaSources | None, Lexicon | None] | None:
        async with self._uow() as uow:
            render = await uow.renders.start(render_id, at=self._now())
            if render is None:
                return None
            cues = await uow.renders.cues(render_id)
            media = await self._media_of(uow, render)
            lexicon = await uow.lexicons.for_track(render.track_id)
            await uow.commit()
        return render, cues, media, lexicon

    async def _media_of(self, uow: QueuedUnitOfWork, render: Render) -> MediaSources | None:
        """The files of a render over media (deleted since the request: the render fails, 404 `media`)."""
        options = render.options
        if not options.with_media:
            return None
        original = await self._find(uow, render, options.media_id)
        stem = await self._find(uow, render, options.music_effects_id)
        bed_stream = bed_stream_for(options, original, stem)
        bed = stem if options.mix == "replace" else original if options.mix == "voiceover" else None
        return MediaSources(
            store=self._artifacts,
            original_key=None if original is None else original.blob_key,
            bed_key=None if bed is None else bed.blob_key,
            bed_stream=bed_stream,
        )

    @staticmethod
    async def _find(uow: QueuedUnitOfWork, render: Render, media_id: UUID | None) -> Media | None:
        if media_id is None:
            return None
        media = await uow.media.find_for_track(render.track_id, media_id)
        if media is None:
            raise NotFound("media", media_id)
        return media

    async def _succeed(
        self, render_id: UUID, report: RenderReport, run: int, cues: Sequence[RenderCue], options: RenderOptions
    ) -> bool:
        stats = report.stats
        public = {
            "cues": stats.cues,
            "synthesized": stats.synthesized,
            "from_cache": stats.from_cache,
            "sped_up": stats.sped_up,
            "truncated": stats.truncated,
            "overlapping": stats.overlapping,
            "max_speed_used": stats.max_speed_used,
            "refitted": stats.refitted,
            "engine_requests": stats.engine_requests,
            "loudness_lufs": report.loudness.measured_lufs,
            "gain_db": report.loudness.gain_db,
            "target_lufs": report.loudness.target_lufs,
            "output_lufs": report.loudness.output_lufs,
            "true_peak_dbtp": report.loudness.true_peak_dbtp,
            "limited_ms": report.loudness.limited_ms,
            "limiter_max_db": report.loudness.limiter_max_db,
            "voices": sorted({fit.voice for fit in report.cues if fit.voice}),
        }
        if report.delivery is not None:
            public["delivery"] = msgspec.to_builtins(report.delivery)

        async def succeed(uow: QueuedUnitOfWork) -> bool:
            done = await uow.renders.succeed(
                render_id,
                stats=public,
                report=report.cues,
                duration_ms=stats.duration_ms,
                size_bytes=stats.size_bytes,
                at=self._now(),
                run=run,
            )
            if done:
                await uow.speaking_rates.add(rate_sums(cues, report.cues, options.voice))
            return done

        return await self._write(succeed)

    async def _write(self, action: Callable[[QueuedUnitOfWork], Awaitable[T]]) -> T:
        async with self._uow() as uow:
            result = await action(uow)
            await uow.commit()
        return result

    async def _durably(self, action: Callable[[], Awaitable[T]]) -> T:
        """Bookkeeping outlives a database restart: retried with backoff for up to the patience."""
        deadline = time.monotonic() + self._patience_s
        delay = 0.2
        while True:
            try:
                return await action()
            except DependencyUnavailable:
                if time.monotonic() + delay > deadline:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)


class _Heartbeat:
    """Writes progress and heartbeat at least every `heartbeat_s` and on every 5 % step; learns of cancels."""

    def __init__(self, owner: ExecuteRender, render_id: UUID, total: int, run: int) -> None:
        self._owner = owner
        self._render_id = render_id
        self._run = run
        self.superseded = False
        self._done = 0
        self._total = total
        self._written_percent = -100.0
        self._cancel_requested = False
        self._lock = asyncio.Lock()

    async def run(self, work: Awaitable[T]) -> T:
        ticker = asyncio.create_task(self._tick())
        try:
            return await work
        finally:
            ticker.cancel()
            await asyncio.gather(ticker, return_exceptions=True)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self._owner._heartbeat_s)
            await self._write()

    async def progress(self, update: RenderProgress) -> None:
        self._done, self._total = update.done, update.total
        percent = 100.0 * update.done / update.total if update.total else 0.0
        if percent - self._written_percent >= 5.0 or update.done == update.total:
            await self._write()

    async def cancel(self) -> bool:
        return self._cancel_requested

    async def _write(self) -> None:
        async with self._lock:
            done, total = self._done, self._total
            try:
                ack = await self._owner._write(
                    lambda uow: uow.renders.heartbeat(
                        self._render_id, done=done, total=total, at=self._owner._now(), run=self._run
                    )
                )
            except DependencyUnavailable:
                return  # the database is away: the render goes on, the next beat tries again
            self._written_percent = 100.0 * done / total if total else 0.0
            self.superseded = not ack.running  # finished, cancelled or taken over by a later run
            self._cancel_requested = ack.cancel_requested or self.superseded
