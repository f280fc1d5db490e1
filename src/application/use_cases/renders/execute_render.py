"""The worker side of a render: run the rendering engine on the snapshotted cues, reporting progress
and heartbeat as it goes, and record the outcome. Transient errors are given back for a retry;
permanent ones (or the last attempt) fail the render with a problem object. Each bookkeeping step is
its own use case (see `render_run`), which the wiring makes outlive a database restart."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from enum import StrEnum
from typing import Any, TypeVar
from uuid import UUID

from application.audio_pipeline.voice_over import RenderCancelled, RenderProgress, RenderVoiceOver
from application.errors import ApplicationError, DependencyUnavailable, is_transient
from application.ports.blobs import BlobStore
from application.ports.renders import RenderEvents, RenderSignal
from application.use_cases.renders.render_run import (
    BeatRenderRun,
    Cancelled,
    Failed,
    FinishRenderRun,
    GivenBack,
    RenderRun,
    StartRenderRun,
    Succeeded,
)

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
        start: StartRenderRun,
        beat: BeatRenderRun,
        finish: FinishRenderRun,
        renderer: RenderVoiceOver,
        artifacts: BlobStore,
        problem_of: ProblemOf,
        *,
        heartbeat_s: float = 2.0,
        cancel_requests: RenderEvents | None = None,
    ) -> None:
        self._cancel_requests = cancel_requests  # wakes the heartbeat when a cancel is asked for
        self._start = start
        self._beat = beat
        self._finish = finish
        self._renderer = renderer
        self._artifacts = artifacts
        self._problem_of = problem_of
        self._heartbeat_s = heartbeat_s

    async def execute(self, render_id: UUID, *, final_attempt: bool) -> RenderOutcome:
        run = await self._start.execute(render_id)
        if run is None:
            return RenderOutcome.SKIPPED
        render = run.render
        if render.cancel_requested:
            await self._finish.execute(render_id, run.number, Cancelled())
            return RenderOutcome.CANCELLED
        beat = _Heartbeat(self._beat, render_id, render.progress.total, run.number, self._heartbeat_s)
        try:
            report = await beat.run(self._render(run, beat), self._cancel_signal(render_id))
        except RenderCancelled:
            if beat.superseded:
                return RenderOutcome.SKIPPED  # a later run owns the render now
            cancelled = await self._finish.execute(render_id, run.number, Cancelled())
            return RenderOutcome.CANCELLED if cancelled else RenderOutcome.SKIPPED
        except asyncio.CancelledError:
            # the worker is shutting down past its grace period: give the render back for another run
            await asyncio.shield(self._finish.execute(render_id, run.number, GivenBack(None)))
            raise
        except Exception as exc:
            failure = await self._record_failure(run, exc, final_attempt=final_attempt)
            if failure is None:
                return RenderOutcome.SKIPPED  # a later run owns the render now
            raise failure from exc
        if not await self._finish.execute(render_id, run.number, Succeeded(report, run.cues, render.options)):
            return RenderOutcome.SKIPPED
        # leftovers of runs that died mid-write (a run that still writes is no owner: its publish may fail)
        self._artifacts.discard_partials(render.blob_key)
        if render.stem_key != render.blob_key:
            self._artifacts.discard_partials(render.stem_key)
        return RenderOutcome.SUCCEEDED

    def _cancel_signal(self, render_id: UUID) -> AbstractAsyncContextManager[RenderSignal | None]:
        if self._cancel_requests is None:
            return contextlib.nullcontext(None)
        return self._cancel_requests.watch(render_id)

    def _render(self, run: RenderRun, beat: _Heartbeat) -> Awaitable[Any]:
        render = run.render
        return self._renderer.execute(
            run.cues,
            render.options,
            render.blob_key,
            progress=beat.progress,
            cancel=beat.cancel,
            stem_key=render.stem_key,
            media=run.media,
            lexicon=run.lexicon,
        )

    async def _record_failure(self, run: RenderRun, exc: Exception, *, final_attempt: bool) -> ApplicationError | None:
        """Fails the render (permanent error, or the last attempt) or gives it back; the error for the job to
        raise, or None when a later run owns the render."""
        render_id = run.render.id
        problem = self._problem_of(exc, run.render.trace_id)
        if not is_transient(exc) or final_attempt:
            if not await self._finish.execute(render_id, run.number, Failed(problem)):
                return None
            return RenderFailed(problem.get("detail", str(exc)), code=str(problem.get("code", "render_failed")))
        if not await self._finish.execute(render_id, run.number, GivenBack(problem)):
            return None
        return RenderRetry(problem.get("detail", str(exc)))


class _Heartbeat:
    """Writes progress and heartbeat at least every `every_s`, on every 5 % step and at once when a cancel
    is signalled; learns of cancels from what each write reads back."""

    def __init__(self, beat: BeatRenderRun, render_id: UUID, total: int, run: int, every_s: float) -> None:
        self._beat = beat
        self._render_id = render_id
        self._run = run
        self._every_s = every_s
        self.superseded = False
        self._done = 0
        self._total = total
        self._written_percent = -100.0
        self._cancel_requested = False
        self._lock = asyncio.Lock()

    async def run(self, work: Awaitable[T], cancels: AbstractAsyncContextManager[RenderSignal | None]) -> T:
        async with cancels as cancel_signal:
            ticker = asyncio.create_task(self._tick(cancel_signal))
            try:
                return await work
            finally:
                ticker.cancel()
                await asyncio.gather(ticker, return_exceptions=True)

    async def _tick(self, cancel_signal: RenderSignal | None) -> None:
        while True:
            if cancel_signal is None:
                await asyncio.sleep(self._every_s)
            else:
                await cancel_signal.wait(self._every_s)
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
                ack = await self._beat.execute(self._render_id, self._run, done=done, total=total)
            except DependencyUnavailable:
                return  # the database is away: the render goes on, the next beat tries again
            self._written_percent = 100.0 * done / total if total else 0.0
            self.superseded = not ack.running  # finished, cancelled or taken over by a later run
            self._cancel_requested = ack.cancel_requested or self.superseded
