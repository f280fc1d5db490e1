"""The fit check: how each cue would fit, predicted without synthesizing anything.

A cue's natural length is the length of its clip when the clip cache has it, else the voice's
speaking-rate model (its stored sums plus the cached clips of this very track); then the whole
track is planned as a render would plan it and each clip is assumed to come out at the planned speed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from uuid import UUID

import msgspec

from application.actor import Actor
from application.authorization import authorize
from application.errors import FieldError, InvalidInput, NotFound
from application.ports.clip_cache import ClipCache
from application.ports.speech import SpeechSynthesizer
from application.ports.subtitles_uow import QueuedUnitOfWork
from application.use_cases.lexicon_text import MatcherFactory, with_lexicon
from application.voice_checks import cast_voices
from domain.clips import clip_key
from domain.lexicon import Lexicon
from domain.planner import PlanCue, PlannedCue, plan_timing
from domain.projects import ProjectAction
from domain.render_options import RenderOptions
from domain.render_report import CueFitReport, FitTotals, fit_totals, mark_overlaps
from domain.speaking_rate import RateSums, predict_ms, spoken_chars
from domain.timing import RenderCue, settle_fit
from domain.voices import VoiceRef

MAX_CUES = 20_000


class CueForecast(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    voice: str
    predicted_ms: int  # the natural length: the cached clip's, else the voice's model
    measured: bool  # True when the length is a cached clip's
    start_ms: int
    end_ms: int
    window_start_ms: int
    window_end_ms: int
    window_ms: int
    lead_ms: int
    speed: float
    overflow_ms: int
    action: str
    why: str
    overlapping: bool


class FitForecast(msgspec.Struct, frozen=True, kw_only=True):
    cues: tuple[CueForecast, ...]
    totals: FitTotals
    measured: int  # cues whose length came from the clip cache


class FitForecaster:
    """Shared by the HTTP fit check and `subdub fit-check`."""

    def __init__(
        self,
        synthesizers: Mapping[str, SpeechSynthesizer],
        cache: ClipCache,
        lexicon_matcher: MatcherFactory | None = None,
    ) -> None:
        self._synthesizers = synthesizers
        self._cache = cache
        self._lexicon_matcher = lexicon_matcher

    def voices(self, cues: Sequence[RenderCue], options: RenderOptions) -> set[VoiceRef]:
        voices = {cue.voice or options.voice for cue in cues}
        for voice in sorted(voices, key=str):
            if voice.engine not in self._synthesizers:
                engines = ", ".join(sorted(self._synthesizers)) or "none"
                raise InvalidInput(
                    f"unknown voice engine {voice.engine!r} (available: {engines})",
                    [FieldError("voice.engine", f"unknown engine {voice.engine!r}")],
                    code="unknown_voice",
                )
        return voices

    async def forecast(
        self,
        cues: Sequence[RenderCue],
        options: RenderOptions,
        stored: Mapping[str, RateSums],
        lexicon: Lexicon | None = None,
    ) -> FitForecast:
        spoken, _ = with_lexicon(cues, options.voice, lexicon, self._lexicon_matcher)
        speakable = sorted(spoken, key=lambda cue: (cue.start_ms, cue.end_ms))
        self.voices(speakable, options)
        keys = [self._natural_key(cue, options) for cue in speakable]
        sizes = await asyncio.to_thread(self._cache.sizes, keys)
        return _forecast(speakable, options, stored, [sizes.get(key) for key in keys])

    def _natural_key(self, cue: RenderCue, options: RenderOptions) -> str:
        voice = cue.voice or options.voice
        return clip_key(
            engine_version=self._synthesizers[voice.engine].engine_version,
            voice=voice,
            rate=1.0,
            sample_rate=options.sample_rate,
            text=cue.text,
        )


def _forecast(
    cues: Sequence[RenderCue], options: RenderOptions, stored: Mapping[str, RateSums], sizes: Sequence[int | None]
) -> FitForecast:
    voices = [str(cue.voice or options.voice) for cue in cues]
    chars = [spoken_chars(cue.text) for cue in cues]
    measured = [None if size is None else size / 2 / options.sample_rate * 1000 for size in sizes]
    sums = dict(stored)
    for voice, count, ms in zip(voices, chars, measured, strict=True):
        if ms is not None and ms > 0:
            sums[voice] = sums.get(voice, RateSums()).add(count, ms)
    natural = [
        ms if ms is not None else predict_ms(sums.get(voice, RateSums()), count, voice.partition(":")[0])
        for voice, count, ms in zip(voices, chars, measured, strict=True)
    ]
    plans = plan_timing(
        [
            PlanCue(
                id=cue.id,
                start_ms=cue.start_ms,
                end_ms=cue.end_ms,
                natural_ms=ms,
                group=cue.speaker or voice,
            )
            for cue, voice, ms in zip(cues, voices, natural, strict=True)
        ],
        options.plan_rules,
    )
    reports = mark_overlaps(
        [_report(cue, plan, ms, options) for cue, plan, ms in zip(cues, plans, natural, strict=True)]
    )
    forecasts = tuple(
        CueForecast(
            id=report.cue_id,
            voice=voice,
            predicted_ms=report.natural_ms,
            measured=ms is not None,
            start_ms=report.start_ms,
            end_ms=report.end_ms,
            window_start_ms=plan.window_start_ms,
            window_end_ms=plan.window_end_ms,
            window_ms=plan.window_ms,
            lead_ms=plan.lead_ms,
            speed=report.speed,
            overflow_ms=report.overflow_ms,
            action=report.action,
            why=plan.why,
            overlapping=report.overlapping,
        )
        for report, plan, voice, ms in zip(reports, plans, voices, measured, strict=True)
    )
    return FitForecast(cues=forecasts, totals=fit_totals(reports), measured=sum(ms is not None for ms in measured))


def _report(cue: RenderCue, plan: PlannedCue, natural_ms: float, options: RenderOptions) -> CueFitReport:
    produced = natural_ms / plan.rate if natural_ms > 0 else 0.0
    fit = settle_fit(natural_ms, plan.window_ms, plan.rate, produced, options)
    return CueFitReport(
        cue_id=cue.id,
        start_ms=cue.start_ms,
        end_ms=cue.end_ms,
        window_start_ms=plan.window_start_ms,
        window_end_ms=plan.window_end_ms,
        lead_ms=plan.lead_ms,
        planned_speed=plan.rate,
        why=plan.why,
        natural_ms=round(natural_ms),
        final_ms=round(fit.final_ms),
        speed=round(fit.speed, 3),
        overflow_ms=fit.overflow_ms,
        action=fit.action,
    )


class FitCheck:
    def __init__(self, uow: QueuedUnitOfWork, forecaster: FitForecaster) -> None:
        self._uow = uow
        self._forecaster = forecaster

    async def execute(self, actor: Actor, track_id: UUID, options: RenderOptions) -> FitForecast:
        async with self._uow as uow:
            access = await uow.track_source.access(track_id, actor.user_id)
            if access is None:
                raise NotFound("track", track_id)
            authorize(actor, ProjectAction.READ, entity="track", entity_id=track_id, project_role=access.role)
            cues = await uow.track_source.snapshot(track_id)
            if len(cues) > MAX_CUES:
                raise InvalidInput(f"a fit check takes at most {MAX_CUES} cues", code="track_too_long")
            # each cue's voice as a render would choose it: its own, its speaker's, the language's, the request's
            cues, _ = cast_voices(cues, access.cast, access.language, options.voice)
            voices = self._forecaster.voices(cues, options)
            stored = await uow.speaking_rates.get(str(voice) for voice in voices)
            lexicon = await uow.lexicons.for_track(track_id)
        return await self._forecaster.forecast(cues, options, stored, lexicon)
