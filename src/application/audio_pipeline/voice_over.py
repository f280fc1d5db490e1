"""Render a voice-over track: fit every cue's speech to its window, mix, normalise, encode, store.

Called in-process by `subdub render` and by the render worker (cues loaded from the database,
the artifact stored under a key derived from the render id).
"""

from __future__ import annotations

import asyncio
import difflib
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar

import msgspec

from application.audio_pipeline.clips import ClipFitter, FittedCue
from application.audio_pipeline.delivery import MediaSources, deliver_over_media
from application.errors import ApplicationError, FieldError, InvalidInput
from application.ports.audio import ClipProcessor, MixSession, TrackLayout, TrackMixer
from application.ports.blobs import BlobStore
from application.ports.clip_cache import ClipCache
from application.ports.media import MediaDeliverer
from application.ports.speech import SpeechSynthesizer
from application.use_cases.lexicon_text import with_lexicon
from domain.clips import normalise_text
from domain.lexicon import Lexicon, LexiconMatcher
from domain.loudness import loudness_gain, secant_gain
from domain.planner import PlanCue, PlannedCue, plan_timing
from domain.render_options import RenderOptions
from domain.render_report import (
    CueFitReport,
    LoudnessReport,
    RenderReport,
    RenderStats,
    fit_totals,
    mark_overlaps,
)
from domain.timing import RenderCue
from domain.voices import Voice, VoiceRef


class RenderProgress(msgspec.Struct, frozen=True, kw_only=True):
    stage: str  # "synthesizing", "measuring", "limiting", "encoding", "muxing"
    done: int  # work units: synthesis counts one per cue, the three mix passes one per cue together,
    # delivery over media (mixing with the soundtrack and muxing) one per cue
    total: int  # twice the number of cues, three times with media
    cues_done: int
    cues_total: int


class RenderCancelled(ApplicationError):
    code = "render_cancelled"


MAX_REHEARSALS = 8  # predictions of the limited loudness (each a few milliseconds, no mixing)
LOUDNESS_TOLERANCE_LU = 0.05
MIX_PASSES = 3  # measure, rehearse the limiter (one step, counted even when skipped), encode
CANCEL_POLL_S = 0.1  # how often a running render asks whether it is cancelled


_T = TypeVar("_T")
ProgressCallback = Callable[[RenderProgress], Awaitable[None]]
CancelCheck = Callable[[], Awaitable[bool]]


class RenderVoiceOver:
    def __init__(
        self,
        synthesizers: Mapping[str, SpeechSynthesizer],
        clip_cache: ClipCache,
        processor: ClipProcessor,
        mixer: TrackMixer,
        output_store: BlobStore,
        deliverer: MediaDeliverer | None = None,
        *,
        batch_size: int = 64,
        batches_in_flight: int = 4,
        chunks_per_step: int = 8,
        lexicon_matcher: Callable[[Lexicon], LexiconMatcher] | None = None,
    ) -> None:
        self._lexicon_matcher = lexicon_matcher
        self._synthesizers = synthesizers
        self._cache = clip_cache
        self._processor = processor
        self._mixer = mixer
        self._store = output_store
        self._deliverer = deliverer
        self._batch_size = batch_size
        self._in_flight = batches_in_flight
        self._chunks_per_step = chunks_per_step  # mix chunks per thread hop (and per cancellation check)

    async def execute(
        self,
        cues: Sequence[RenderCue],
        options: RenderOptions,
        output_key: str,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelCheck | None = None,
        stem_key: str | None = None,
        media: MediaSources | None = None,
        lexicon: Lexicon | None = None,
    ) -> RenderReport:
        """Writes the voice stem to `stem_key` (default: `output_key`); with media, then mixes it over the
        soundtrack and delivers the result (a video or the mixed audio) to `output_key`.

        `cancel` is asked every `CANCEL_POLL_S` while the render runs (it must be cheap): once it says so,
        the work stops where it is (engine calls not yet started are dropped, a mix step in a thread
        ends first, a partial file is discarded) and RenderCancelled is raised.
        """
        work = self._render(cues, options, output_key, progress, cancel, stem_key, media, lexicon)
        return await _until_cancelled(work, cancel)

    async def _render(
        self,
        cues: Sequence[RenderCue],
        options: RenderOptions,
        output_key: str,
        progress: ProgressCallback | None,
        cancel: CancelCheck | None,
        stem_key: str | None,
        media: MediaSources | None,
        lexicon: Lexicon | None,
    ) -> RenderReport:
        if options.with_media and (media is None or self._deliverer is None or stem_key in (None, output_key)):
            raise InvalidInput("a render over media needs the media and a stem key of its own", code="media_missing")
        stem_key = stem_key or output_key
        spoken, silenced = self._with_lexicon(cues, options, lexicon or Lexicon())
        speakable = sorted(
            (cue for cue in spoken if normalise_text(cue.text)), key=lambda cue: (cue.start_ms, cue.end_ms)
        )
        if not speakable:
            raise InvalidInput("the track has no cue with text to speak", code="empty_track")
        voices = await self._resolve_voices(speakable, options)
        tracker = _Tracker(len(speakable), progress, cancel, with_media=options.with_media)
        fitter = ClipFitter(self._synthesizers, self._cache, self._processor, options, voices)
        fitted = await self._plan_and_fit(fitter, speakable, options, tracker)
        reports = mark_overlaps(
            sorted([item.report for item in fitted] + silenced, key=lambda fit: (fit.start_ms, fit.end_ms))
        )
        placements = tuple(item.placement for item in fitted if item.placement is not None)
        duration_ms = max(
            max(cue.end_ms for cue in speakable),
            max((p.start_ms + math.ceil(p.samples * 1000 / options.sample_rate) for p in placements), default=0),
        )
        layout = TrackLayout(sample_rate=options.sample_rate, duration_ms=duration_ms, placements=placements)
        mixed = await self._mix(layout, options, stem_key, tracker)
        delivery = None
        if media is not None and self._deliverer is not None:
            delivery = await deliver_over_media(
                self._deliverer, self._store, media, options, reports, stem_key, output_key, tracker.mux_step
            )
        stats = _stats(
            reports,
            fitter,
            duration_ms=duration_ms if delivery is None else delivery.duration_ms,
            size_bytes=self._store.size(output_key),
        )
        return RenderReport(
            cues=tuple(reports),
            totals=fit_totals(reports),
            loudness=mixed.loudness(options),
            stats=stats,
            delivery=delivery,
        )

    async def _plan_and_fit(
        self, fitter: ClipFitter, speakable: list[RenderCue], options: RenderOptions, tracker: _Tracker
    ) -> list[FittedCue]:
        """Each cue's natural length, then the timing plan, then every clip fitted to its planned window."""
        natural_ms = await self._naturals(fitter, speakable, tracker)
        plans = plan_timing(
            [
                PlanCue(
                    id=cue.id,
                    start_ms=cue.start_ms,
                    end_ms=cue.end_ms,
                    natural_ms=ms,
                    group=cue.speaker or str(fitter.voice_of(cue)),
                )
                for cue, ms in zip(speakable, natural_ms, strict=True)
            ],
            options.plan_rules,
        )
        return await self._fit_all(fitter, speakable, plans, natural_ms, tracker)

    async def _mix(self, layout: TrackLayout, options: RenderOptions, stem_key: str, tracker: _Tracker) -> _Mixed:
        """Measure the mix, choose the gain (predicting what the limiter leaves when it may act), encode it to
        `stem_key`."""
        with self._store.writer(stem_key) as sink:
            session = self._mixer.start(layout, self._cache, sink, options.stem_format)
            try:
                tracker.chunks = session.chunk_count
                for first, last in _groups(session.chunk_count, self._chunks_per_step):
                    await tracker.step("measuring", last - first)
                    await _in_thread(_each, session.measure, first, last)
                levels = session.levels()
                gain = loudness_gain(levels.integrated_lufs, levels.peak_dbfs, options.loudness_lufs)
                gain_db, output_lufs = gain.gain_db, levels.integrated_lufs
                if output_lufs is not None:
                    output_lufs += gain_db
                if gain.may_limit:
                    gain_db, output_lufs = await self._rehearse(session, tracker, gain_db, options.loudness_lufs)
                else:
                    await tracker.step("limiting", session.chunk_count)
                for first, last in _groups(session.chunk_count, self._chunks_per_step):
                    await tracker.step("encoding", last - first)
                    await _in_thread(_each, session.encode, first, last, gain_db)
                await _in_thread(session.finish)
            except BaseException:
                session.discard()  # before the writer drops the file (cancelled, failed, interrupted)
                raise
        return _Mixed(session, levels.integrated_lufs, gain_db, output_lufs)

    async def _rehearse(
        self, session: MixSession, tracker: _Tracker, gain_db: float, target: float
    ) -> tuple[float, float | None]:
        """The gain whose limited mix reaches the target: the limiter takes some loudness away with the
        peaks, so the loudness through it is predicted from the measuring pass (no mixing) and the gain
        corrected by secant steps."""
        await tracker.step("limiting", session.chunk_count)
        tried: list[tuple[float, float]] = []
        limited: float | None = None
        for attempt in range(MAX_REHEARSALS):
            limited = await asyncio.to_thread(session.predicted_lufs, gain_db)
            if limited is None or abs(target - limited) <= LOUDNESS_TOLERANCE_LU or attempt == MAX_REHEARSALS - 1:
                break  # the gain last tried is the one encoded; the report's loudness is that of the encoded mix
            tried.append((gain_db, limited))
            gain_db = secant_gain(tried, target)
        return gain_db, limited

    def _with_lexicon(
        self, cues: Sequence[RenderCue], options: RenderOptions, lexicon: Lexicon
    ) -> tuple[list[RenderCue], list[CueFitReport]]:
        """Each cue with the text its engine is sent; the cues the lexicon left with nothing to say are
        reported (flag `silenced_by_lexicon`), not spoken."""
        spoken, silenced = with_lexicon(cues, options.voice, lexicon, self._lexicon_matcher)
        reports = [
            CueFitReport(cue_id=cue.id, start_ms=cue.start_ms, end_ms=cue.end_ms, window_end_ms=cue.end_ms,
                         natural_ms=0, final_ms=0, speed=1.0, overflow_ms=0, action="fit",
                         flags=("silenced_by_lexicon",))
            for cue in silenced
        ]  # fmt: skip
        return spoken, reports

    def _batches(self, count: int) -> list[range]:
        return [range(i, min(i + self._batch_size, count)) for i in range(0, count, self._batch_size)]

    async def _naturals(self, fitter: ClipFitter, cues: list[RenderCue], tracker: _Tracker) -> list[float]:
        async def run(batch: range) -> list[float]:
            await tracker.check_cancel()
            lengths = await fitter.naturals([cues[i] for i in batch])
            await tracker.cues_fitted(len(batch))
            return lengths

        results = await self._in_flight_all(run, self._batches(len(cues)))
        return [ms for batch in results for ms in batch]

    async def _fit_all(
        self,
        fitter: ClipFitter,
        cues: list[RenderCue],
        plans: list[PlannedCue],
        natural_ms: list[float],
        tracker: _Tracker,
    ) -> list[FittedCue]:
        async def run(batch: range) -> list[FittedCue]:
            await tracker.check_cancel()
            return await fitter.fit([cues[i] for i in batch], [plans[i] for i in batch], [natural_ms[i] for i in batch])

        results = await self._in_flight_all(run, self._batches(len(cues)))
        return [item for batch in results for item in batch]

    async def _in_flight_all(self, run: Callable[[range], Awaitable[list[_T]]], batches: list[range]) -> list[list[_T]]:
        """Each batch through `run`, a few at a time; on a failure the others are cancelled."""
        gate = asyncio.Semaphore(self._in_flight)

        async def gated(batch: range) -> list[_T]:
            async with gate:
                return await run(batch)

        tasks = [asyncio.create_task(gated(batch)) for batch in batches]
        try:
            return list(await asyncio.gather(*tasks))
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise

    async def _resolve_voices(self, cues: Sequence[RenderCue], options: RenderOptions) -> dict[VoiceRef, Voice]:
        wanted = {options.voice} | {cue.voice for cue in cues if cue.voice is not None}
        resolved: dict[VoiceRef, Voice] = {}
        for ref in sorted(wanted, key=str):
            synthesizer = self._synthesizers.get(ref.engine)
            if synthesizer is None:
                engines = ", ".join(sorted(self._synthesizers))
                raise InvalidInput(
                    f"unknown voice {ref}: no engine {ref.engine!r} (available: {engines})",
                    [FieldError("voice", f"unknown engine {ref.engine!r}")],
                    code="unknown_voice",
                )
            voices = {voice.name: voice for voice in await synthesizer.list_voices()}
            if ref.name not in voices:
                close = difflib.get_close_matches(ref.name, list(voices), n=5, cutoff=0.5)
                hint = f"; did you mean {', '.join(f'{ref.engine}:{name}' for name in close)}?" if close else ""
                speakers = sorted({cue.speaker for cue in cues if cue.voice == ref and cue.speaker})
                said_by = f" (the voice of {', '.join(speakers)})" if speakers else ""
                raise InvalidInput(
                    f"unknown voice {ref}{said_by}{hint}",
                    [FieldError("voice", f"unknown voice {ref}{said_by}")],
                    code="unknown_voice",
                )
            resolved[ref] = voices[ref.name]
        return resolved


class _Tracker:
    """Progress over work units (cues, then mix chunks twice, then the delivery) and the cancellation check."""

    def __init__(
        self, cues: int, progress: ProgressCallback | None, cancel: CancelCheck | None, *, with_media: bool = False
    ) -> None:
        self.cues_total = cues
        self.units = 3 if with_media else 2
        self.muxed = 0
        self.cues_done = 0
        self.chunks = 0
        self.chunk_steps = 0
        self._progress = progress
        self._cancel = cancel

    async def check_cancel(self) -> None:
        if self._cancel is not None and await self._cancel():
            raise RenderCancelled("the render was cancelled")

    async def _report(self, stage: str) -> None:
        if self._progress is None:
            return
        # synthesis and mixing weigh one unit per cue each, so the total never changes mid-render
        mixed = self.cues_total * self.chunk_steps // (MIX_PASSES * self.chunks) if self.chunks else 0
        await self._progress(
            RenderProgress(
                stage=stage,
                done=self.cues_done + mixed + self.muxed,
                total=self.units * self.cues_total,
                cues_done=self.cues_done,
                cues_total=self.cues_total,
            )
        )

    async def cues_fitted(self, count: int) -> None:
        self.cues_done += count
        await self._report("synthesizing")

    async def step(self, stage: str, chunks: int) -> None:
        await self.check_cancel()
        self.chunk_steps += chunks
        await self._report(stage)

    async def mux_step(self, fraction: float) -> None:
        await self.check_cancel()
        self.muxed = min(self.cues_total, int(self.cues_total * fraction))
        await self._report("muxing")


async def _until_cancelled(work: Awaitable[_T], cancel: CancelCheck | None) -> _T:
    """`work`, stopped (task cancellation) as soon as `cancel` says so; then RenderCancelled."""
    if cancel is None:
        return await work
    task = asyncio.ensure_future(work)
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=CANCEL_POLL_S)
            if not task.done() and await cancel():
                task.cancel()
                await asyncio.wait({task})
                if task.cancelled():
                    raise RenderCancelled("the render was cancelled")
    except asyncio.CancelledError:  # this run itself is cancelled (the worker stops): the work with it
        task.cancel()
        await asyncio.wait({task})
        raise
    return task.result()


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _groups(count: int, size: int) -> list[tuple[int, int]]:
    return [(first, min(first + size, count)) for first in range(0, count, size)]


async def _in_thread(action: Callable[..., None], *args: object) -> None:
    """Run a blocking step in a thread; when cancelled, let the step finish before unwinding, so the
    file it writes is not closed under it."""
    step = asyncio.ensure_future(asyncio.to_thread(action, *args))
    try:
        await asyncio.shield(step)
    except asyncio.CancelledError:
        await asyncio.wait({step})
        raise


def _each(action: Callable[..., None], first: int, last: int, *args: float) -> None:
    for index in range(first, last):
        action(index, *args)


class _Mixed:
    """A finished mix: what was measured, the gain applied, and what the limiter did."""

    def __init__(
        self, session: MixSession, measured_lufs: float | None, gain_db: float, output_lufs: float | None
    ) -> None:
        self._session = session
        self._measured_lufs = measured_lufs
        self._gain_db = gain_db
        self._output_lufs = output_lufs

    def loudness(self, options: RenderOptions) -> LoudnessReport:
        limiter = self._session.limiter_report()
        return LoudnessReport(
            target_lufs=options.loudness_lufs,
            measured_lufs=_rounded(self._measured_lufs),
            gain_db=round(self._gain_db, 2),
            peak_dbfs=_rounded(limiter.peak_dbfs),
            peak_limited=limiter.limited_samples > 0,
            # of the encoded mix when the mixer tells it, else the one the gain was chosen for
            output_lufs=_rounded(self._output_lufs if limiter.output_lufs is None else limiter.output_lufs),
            true_peak_dbtp=_rounded(limiter.true_peak_dbtp),
            limited_ms=round(limiter.limited_samples * 1000 / options.sample_rate),
            limiter_max_db=round(limiter.deepest_db, 2),
        )


def _stats(reports: Sequence[CueFitReport], fitter: ClipFitter, *, duration_ms: int, size_bytes: int) -> RenderStats:
    totals = fit_totals(reports)
    counts = fitter.counts
    return RenderStats(
        cues=len(reports),
        synthesized=counts.synthesized,
        refitted=counts.refitted,
        from_cache=counts.from_cache,
        sped_up=totals.sped_up + totals.compressed,
        truncated=totals.truncated,
        overlapping=totals.overlapping,
        max_speed_used=totals.max_speed_used,
        duration_ms=duration_ms,
        size_bytes=size_bytes,
        engine_requests=counts.engine_requests,
    )
