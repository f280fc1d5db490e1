"""The fit check: cached clip lengths where present, the voice's speaking-rate model elsewhere, and
the same plan a render makes (fake engine, in-memory cache and renders store)."""

from __future__ import annotations

import random
import uuid

import pytest

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from application.actor import Actor
from application.audio_pipeline.voice_over import RenderVoiceOver
from application.errors import InvalidInput, NotFound
from application.use_cases.renders.fit_check import FitCheck, FitForecaster
from domain.errors import InvariantViolated
from domain.projects import ProjectRole
from domain.render_options import RenderOptions
from domain.render_report import CueFitReport
from domain.speaking_rate import RateSums, predict_ms, rate_sums
from domain.timing import RenderCue
from domain.users import GlobalRole
from domain.voices import VoiceRef
from tests.fakes.renders import InMemoryRendersUnitOfWork, RendersState
from tests.fakes.speech import FakeSpeechSynthesizer
from tests.fakes.storage import InMemoryBlobStore, InMemoryClipCache

VOICE = VoiceRef(engine="fake", name="en-test")
OPTIONS = RenderOptions(voice=VOICE)


def track(count: int, seed: int = 3) -> list[RenderCue]:
    rng = random.Random(seed)
    cues, at = [], 500
    for index in range(count):
        at += rng.choice((60, 150, 400, 900, 2500))
        length = rng.randint(800, 3000)
        text = f"line{index} " + "x" * int(length / 1000 * rng.uniform(12, 22))
        speaker = rng.choice(("anna", "ben"))
        cues.append(RenderCue(id=str(index), start_ms=at, end_ms=at + length, text=text, speaker=speaker))
        at += length
    return cues


async def test_a_rendered_track_is_forecast_as_it_was_rendered() -> None:
    engine, cache = FakeSpeechSynthesizer(ms_per_char=60), InMemoryClipCache()
    render = RenderVoiceOver({"fake": engine}, cache, NumpyClipProcessor(), StreamingTrackMixer(), InMemoryBlobStore())
    cues = track(60)
    report = await render.execute(cues, OPTIONS, "out.wav")
    calls = len(engine.calls)
    forecast = await FitForecaster({"fake": engine}, cache).forecast(cues, OPTIONS, {})
    assert len(engine.calls) == calls  # nothing synthesized
    assert forecast.measured == 60
    rendered = {fit.cue_id: fit for fit in report.cues}
    for cue in forecast.cues:
        fit = rendered[cue.id]
        assert cue.predicted_ms == fit.natural_ms
        assert (cue.window_start_ms, cue.window_end_ms) == (fit.window_start_ms, fit.window_end_ms)
        assert cue.action == fit.action
        assert cue.speed == pytest.approx(fit.speed, abs=0.03)
    assert forecast.totals.sped_up == report.totals.sped_up


async def test_uncached_cues_are_predicted_from_the_voice_model_and_the_tracks_cached_clips() -> None:
    engine, cache = FakeSpeechSynthesizer(ms_per_char=50, padding_ms=0), InMemoryClipCache()
    render = RenderVoiceOver({"fake": engine}, cache, NumpyClipProcessor(), StreamingTrackMixer(), InMemoryBlobStore())
    cues = track(40)
    await render.execute(cues[:20], OPTIONS, "out.wav")  # half the track is in the cache
    forecast = await FitForecaster({"fake": engine}, cache).forecast(cues, OPTIONS, {})
    assert forecast.measured == 20
    for cue, source in zip(forecast.cues[20:], cues[20:], strict=True):
        assert not cue.measured
        assert cue.predicted_ms == pytest.approx(len(source.text) * 50, rel=0.02)  # learnt from the cached half

    stored = {str(VOICE): RateSums().add(10, 1000.0)}  # a stored model: 100 ms per character
    cold = await FitForecaster({"fake": engine}, InMemoryClipCache()).forecast(cues, OPTIONS, stored)
    assert cold.measured == 0
    assert cold.cues[0].predicted_ms == pytest.approx(len(cues[0].text) * 100, abs=1)


def test_the_rate_model_fits_a_line_once_it_has_enough_clips() -> None:
    sums = RateSums()
    for chars in range(5, 80, 3):
        sums = sums.add(chars, 120 + 55.0 * chars)  # a fixed part and a part per character
    assert predict_ms(sums, 40, "fake") == pytest.approx(120 + 55 * 40)
    assert predict_ms(RateSums(), 10, "espeak") > 0  # the engine's prior
    assert predict_ms(sums, 0, "fake") == 0.0


def test_a_finished_render_adds_its_natural_clips_to_each_voice() -> None:
    french = VoiceRef(engine="fake", name="fr-test")
    cues = [
        RenderCue(id="1", start_ms=0, end_ms=1000, text="abcd"),
        RenderCue(id="2", start_ms=1000, end_ms=2000, text="ab", voice=french),
    ]
    fits = [
        CueFitReport(cue_id=c.id, start_ms=0, end_ms=1, window_end_ms=1, natural_ms=ms, final_ms=ms, speed=1.0,
                     overflow_ms=0, action="fit")
        for c, ms in zip(cues, (400, 300), strict=True)
    ]  # fmt: skip
    sums = rate_sums(cues, fits, VOICE)
    assert sums == {"fake:en-test": RateSums().add(4, 400), "fake:fr-test": RateSums().add(2, 300)}


async def test_the_use_case_checks_access_and_refuses_unknown_engines() -> None:
    state, track_id, member, outsider = RendersState(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    state.tracks[track_id] = track(5)
    state.roles[(track_id, member)] = ProjectRole.VIEWER
    use_case = FitCheck(
        InMemoryRendersUnitOfWork(state), FitForecaster({"fake": FakeSpeechSynthesizer()}, InMemoryClipCache())
    )
    forecast = await use_case.execute(Actor(user_id=member, role=GlobalRole.MEMBER), track_id, OPTIONS)
    assert [cue.id for cue in forecast.cues] == ["0", "1", "2", "3", "4"]
    with pytest.raises(NotFound):
        await use_case.execute(Actor(user_id=outsider, role=GlobalRole.MEMBER), track_id, OPTIONS)
    with pytest.raises(InvalidInput) as caught:
        await use_case.execute(
            Actor(user_id=member, role=GlobalRole.MEMBER), track_id, RenderOptions(voice=VoiceRef(engine="x", name="y"))
        )
    assert caught.value.code == "unknown_voice"
    with pytest.raises(InvariantViolated):
        RenderOptions(voice=VOICE, lead_ms=400)
