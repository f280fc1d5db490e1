"""The synthesis-and-fit stage of a render: clips from the cache or the engines, fitted to their windows."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from application.ports.audio import ClipProcessor, Placement
from application.ports.clip_cache import ClipCache
from application.ports.speech import SpeechClip, SpeechSynthesizer, SynthesisFailed, SynthesisRequest
from domain.clips import clip_key, normalise_text, shaped_clip_key
from domain.planner import PlannedCue
from domain.render_options import RenderOptions
from domain.render_report import CueFitReport
from domain.scripts import unreadable_scripts
from domain.timing import TRUNCATE_FADE_MS, Fit, RenderCue, corrected_rate, settle_fit
from domain.voices import Voice, VoiceRef


@dataclass
class StageCounts:
    synthesized: int = 0
    refitted: int = 0
    from_cache: int = 0
    engine_requests: int = 0


@dataclass(frozen=True)
class FittedCue:
    report: CueFitReport
    placement: Placement | None  # None when there is nothing to hear


@dataclass
class _Wanted:
    key: str
    request: SynthesisRequest
    cue_ids: list[str] = field(default_factory=list)


class ClipFitter:
    """Clips through the content-addressed cache: first every cue's natural length (for the planner),
    then each batch fitted to its planned window and speed."""

    def __init__(
        self,
        synthesizers: Mapping[str, SpeechSynthesizer],
        cache: ClipCache,
        processor: ClipProcessor,
        options: RenderOptions,
        voices: Mapping[VoiceRef, Voice],
    ) -> None:
        self._synthesizers = synthesizers
        self._cache = cache
        self._processor = processor
        self._options = options
        self._voices = voices
        self.counts = StageCounts()
        self._fresh: set[str] = set()  # natural clips this render had to synthesize

    def voice_of(self, cue: RenderCue) -> VoiceRef:
        return cue.voice or self._options.voice

    def _wanted(self, cue: RenderCue, rate: float) -> _Wanted:
        voice = self.voice_of(cue)
        text = normalise_text(cue.text)
        key = clip_key(
            engine_version=self._synthesizers[voice.engine].engine_version,
            voice=voice,
            rate=rate,
            sample_rate=self._options.sample_rate,
            text=text,
        )
        request = SynthesisRequest(text=text, voice=voice, rate=rate, sample_rate=self._options.sample_rate)
        return _Wanted(key=key, request=request, cue_ids=[cue.id])

    def _lookup(self, wanted: Sequence[_Wanted]) -> tuple[dict[str, bytes], dict[str, _Wanted]]:
        found = self._cache.get_many(item.key for item in wanted)
        missing: dict[str, _Wanted] = {}
        for item in wanted:
            if item.key in found:
                continue
            if item.key in missing:
                missing[item.key].cue_ids.extend(item.cue_ids)
            else:
                missing[item.key] = _Wanted(item.key, item.request, list(item.cue_ids))
        return found, missing

    def _keep(self, items: Sequence[_Wanted], clips: Sequence[SpeechClip]) -> dict[str, bytes]:
        kept = {
            item.key: self._processor.prepare(clip, self._options.sample_rate)
            for item, clip in zip(items, clips, strict=True)
        }
        self._cache.put_many(kept)  # one unit: a batch's clips are usually needed together again
        return kept

    async def _clips(self, wanted: Sequence[_Wanted]) -> tuple[dict[str, bytes], set[str]]:
        """PCM for every wanted key, and the keys that had to be synthesized.

        Cache reads, clip preparation and cache writes run in a thread so that the event loop keeps
        feeding the engines meanwhile.
        """
        if not wanted:
            return {}, set()
        found, missing = await asyncio.to_thread(self._lookup, wanted)
        by_engine: dict[str, list[_Wanted]] = {}
        for item in missing.values():
            by_engine.setdefault(item.request.voice.engine, []).append(item)
        for engine, items in by_engine.items():
            try:
                clips = await self._synthesizers[engine].synthesize([item.request for item in items])
            except SynthesisFailed as exc:
                failed = items[exc.index] if 0 <= exc.index < len(items) else None
                cue = failed.cue_ids[0] if failed else "?"
                wrapped = SynthesisFailed(engine, exc.index, f"cue {cue}: {exc.detail}")
                wrapped.code = exc.code  # keeps an engine's stable code, e.g. provider_auth_failed
                wrapped.retry_after_s = exc.retry_after_s
                wrapped.retryable = exc.retryable
                raise wrapped from exc
            self.counts.engine_requests += len(items)
            found.update(await asyncio.to_thread(self._keep, items, clips))
        return found, set(missing)

    def _ms(self, pcm: bytes) -> float:
        return len(pcm) / 2 / self._options.sample_rate * 1000

    async def naturals(self, cues: Sequence[RenderCue]) -> list[float]:
        """Each cue's clip length at the voice's own speed, in ms (synthesized and cached when missing)."""
        natural = [self._wanted(cue, 1.0) for cue in cues]
        pcm, missed = await self._clips(natural)
        self._fresh |= missed
        return [self._ms(pcm[item.key]) for item in natural]

    async def fit(
        self, cues: Sequence[RenderCue], plans: Sequence[PlannedCue], natural_ms: Sequence[float]
    ) -> list[FittedCue]:
        """Each cue's clip at its planned speed; a second try where the engine missed that speed by more
        than the tolerance; then each cue settled in its window and placed."""
        rates = [plan.rate for plan in plans]
        chosen = [self._wanted(cue, rate) for cue, rate in zip(cues, rates, strict=True)]
        pcm, refit_missed = await self._clips(chosen)
        tries: dict[int, _Wanted] = {}
        for i, cue in enumerate(cues):
            produced = self._ms(pcm[chosen[i].key])
            better = corrected_rate(natural_ms[i], plans[i].rate, rates[i], produced)
            if better is not None:
                rates[i] = better
                tries[i] = self._wanted(cue, better)
        more, missed = await self._clips(list(tries.values()))
        pcm.update(more)
        refit_missed |= missed
        for i, item in tries.items():
            chosen[i] = item
        for i in range(len(cues)):
            if self._wanted(cues[i], 1.0).key in self._fresh:
                self.counts.synthesized += 1
            elif chosen[i].key in refit_missed:
                self.counts.refitted += 1
            else:
                self.counts.from_cache += 1
        finals = [(item.key, pcm[item.key]) for item in chosen]
        return await asyncio.to_thread(self._settle, cues, plans, list(natural_ms), rates, finals)

    def _settle(
        self,
        cues: Sequence[RenderCue],
        plans: Sequence[PlannedCue],
        natural_ms: list[float],
        rates: list[float],
        finals: list[tuple[str, bytes]],
    ) -> list[FittedCue]:
        """Each cue's fit settled; the clips it stretches or cuts are looked up and stored together."""
        fits = [
            settle_fit(natural_ms[i], plan.window_ms, rates[i], self._ms(finals[i][1]), self._options)
            for i, plan in enumerate(plans)
        ]
        shapes: dict[int, tuple[str, float, int | None]] = {}
        for i, fit in enumerate(fits):
            if fit.stretch != 1.0 or fit.keep_ms is not None:
                keep = None if fit.keep_ms is None else round(fit.keep_ms * self._options.sample_rate / 1000)
                key = shaped_clip_key(finals[i][0], stretch=fit.stretch, keep_samples=keep, fade_ms=TRUNCATE_FADE_MS)
                shapes[i] = (key, fit.stretch, keep)
        shaped = self._cache.get_many(key for key, _, _ in shapes.values())
        made: dict[str, bytes] = {}
        for i, (key, stretch, keep) in shapes.items():
            if key not in shaped and key not in made:
                made[key] = self._processor.shape(
                    finals[i][1],
                    self._options.sample_rate,
                    stretch=stretch,
                    keep_samples=keep,
                    fade_ms=TRUNCATE_FADE_MS,
                )
        self._cache.put_many(made)
        shaped.update(made)
        for i, (key, _, _) in shapes.items():
            finals[i] = (key, shaped[key])
        return [self._fitted(cue, plans[i], natural_ms[i], fits[i], *finals[i]) for i, cue in enumerate(cues)]

    def _fitted(self, cue: RenderCue, plan: PlannedCue, natural_ms: float, fit: Fit, key: str, pcm: bytes) -> FittedCue:
        ref = self.voice_of(cue)
        voice = self._voices[ref]
        flags = tuple(f"script_unsupported:{script}" for script in unreadable_scripts(cue.text, voice.language))
        report = CueFitReport(
            cue_id=cue.id,
            start_ms=cue.start_ms,
            end_ms=cue.end_ms,
            window_start_ms=plan.window_start_ms,
            window_end_ms=plan.window_end_ms,
            lead_ms=plan.lead_ms,
            planned_speed=plan.rate,
            why=plan.why,
            natural_ms=round(natural_ms),
            final_ms=round(self._ms(pcm)),
            speed=round(fit.speed, 3),
            overflow_ms=fit.overflow_ms,
            action=fit.action,
            flags=flags,
            voice=str(ref),
            speaker=cue.speaker,
        )
        samples = len(pcm) // 2
        placement = Placement(start_ms=plan.window_start_ms, clip_key=key, samples=samples) if samples else None
        return FittedCue(report=report, placement=placement)
