"""The synthesis-and-fit stage of a render: clips from the cache or the engines, fitted to their windows."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from application.ports.audio import ClipProcessor, Placement
from application.ports.clip_cache import ClipCache
from application.ports.speech import SpeechClip, SpeechSynthesizer, SynthesisFailed, SynthesisRequest
from domain.clips import clip_key, normalise_text, shaped_clip_key
from domain.render_options import RenderOptions
from domain.render_report import CueFitReport
from domain.scripts import unreadable_scripts
from domain.timing import TRUNCATE_FADE_MS, CueWindow, Fit, corrected_rate, settle_fit, synthesis_rate
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
    """Fits one batch of cue windows at a time; clips go through the content-addressed cache."""

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

    def _voice_of(self, window: CueWindow) -> VoiceRef:
        return window.cue.voice or self._options.voice

    def _wanted(self, window: CueWindow, rate: float) -> _Wanted:
        voice = self._voice_of(window)
        text = normalise_text(window.cue.text)
        key = clip_key(
            engine_version=self._synthesizers[voice.engine].engine_version,
            voice=voice,
            rate=rate,
            sample_rate=self._options.sample_rate,
            text=text,
        )
        request = SynthesisRequest(text=text, voice=voice, rate=rate, sample_rate=self._options.sample_rate)
        return _Wanted(key=key, request=request, cue_ids=[window.cue.id])

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

    async def fit(self, windows: Sequence[CueWindow]) -> list[FittedCue]:
        """Natural clips; clips too long for their window again, faster; a second try where the
        engine missed the wanted speed; then each cue settled and placed."""
        natural = [self._wanted(window, 1.0) for window in windows]
        pcm, natural_missed = await self._clips(natural)
        natural_ms = [self._ms(pcm[item.key]) for item in natural]
        chosen = list(natural)
        rates = [synthesis_rate(ms, w.window_ms, self._options) for ms, w in zip(natural_ms, windows, strict=True)]
        refit_missed: set[str] = set()
        for round_ in range(2):
            tries: dict[int, _Wanted] = {}
            for i, window in enumerate(windows):
                rate = rates[i]
                if round_ == 1:
                    produced = self._ms(pcm[chosen[i].key])
                    rate = corrected_rate(natural_ms[i], window.window_ms, rates[i], produced, self._options) or 1.0
                if rate != 1.0:
                    rates[i] = rate
                    tries[i] = self._wanted(window, rate)
            more, missed = await self._clips(list(tries.values()))
            pcm.update(more)
            refit_missed |= missed
            for i, item in tries.items():
                chosen[i] = item

        for i in range(len(windows)):
            if natural[i].key in natural_missed:
                self.counts.synthesized += 1
            elif chosen[i].key in refit_missed:
                self.counts.refitted += 1
            else:
                self.counts.from_cache += 1
        finals = [(item.key, pcm[item.key]) for item in chosen]
        return await asyncio.to_thread(self._settle, windows, natural_ms, rates, finals)

    def _settle(
        self, windows: Sequence[CueWindow], natural_ms: list[float], rates: list[float], finals: list[tuple[str, bytes]]
    ) -> list[FittedCue]:
        """Each cue's fit settled; the clips it stretches or cuts are looked up and stored together."""
        fits = [
            settle_fit(natural_ms[i], window.window_ms, rates[i], self._ms(finals[i][1]), self._options)
            for i, window in enumerate(windows)
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
        return [self._fitted(window, natural_ms[i], fits[i], *finals[i]) for i, window in enumerate(windows)]

    def _fitted(self, window: CueWindow, natural_ms: float, fit: Fit, key: str, pcm: bytes) -> FittedCue:
        cue = window.cue
        ref = self._voice_of(window)
        voice = self._voices[ref]
        flags = tuple(f"script_unsupported:{script}" for script in unreadable_scripts(cue.text, voice.language))
        report = CueFitReport(
            cue_id=cue.id,
            start_ms=cue.start_ms,
            end_ms=cue.end_ms,
            window_end_ms=window.window_end_ms,
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
        placement = Placement(start_ms=cue.start_ms, clip_key=key, samples=samples) if samples else None
        return FittedCue(report=report, placement=placement)
