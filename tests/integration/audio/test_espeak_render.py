"""The render use case on the real espeak-ng engine: dying workers, very long cues, unreadable scripts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from adapters.tts.espeak import EspeakSpeechSynthesizer
from application.audio_pipeline.voice_over import RenderVoiceOver
from application.ports.speech import SynthesisFailed
from domain.render_options import RenderOptions
from domain.timing import RenderCue
from tests.fakes.storage import InMemoryBlobStore, InMemoryClipCache
from tests.support.espeak_faults import ALWAYS, ONCE, crashing_batch

pytestmark = pytest.mark.slow


@pytest.fixture
def engine() -> Iterator[EspeakSpeechSynthesizer]:
    synthesizer = EspeakSpeechSynthesizer(workers=2, items_per_task=2, batch_function=crashing_batch)
    yield synthesizer
    synthesizer.close()


def _render(engine: EspeakSpeechSynthesizer) -> tuple[RenderVoiceOver, InMemoryBlobStore]:
    store = InMemoryBlobStore()
    use_case = RenderVoiceOver(
        {"espeak": engine}, InMemoryClipCache(), NumpyClipProcessor(), StreamingTrackMixer(), store
    )
    return use_case, store


def _cues(special: str) -> list[RenderCue]:
    lines = ["Good morning.", "How are you today?", special, "See you tomorrow.", "Goodbye."]
    return [RenderCue(id=f"cue-{i}", start_ms=i * 3000, end_ms=i * 3000 + 2500, text=t) for i, t in enumerate(lines)]


async def test_a_worker_that_dies_once_is_retried_and_the_render_completes(
    engine: EspeakSpeechSynthesizer, tmp_path: Path
) -> None:
    use_case, store = _render(engine)
    report = await use_case.execute(_cues(f"Hello {ONCE}{tmp_path / 'flag'} there."), RenderOptions(), "out.wav")
    assert (tmp_path / "flag").exists()  # it did die once
    assert report.stats.cues == 5
    assert store.exists("out.wav")


async def test_a_worker_that_dies_twice_fails_the_render_naming_the_cue(engine: EspeakSpeechSynthesizer) -> None:
    use_case, store = _render(engine)
    with pytest.raises(SynthesisFailed) as caught:
        await use_case.execute(_cues(f"This line {ALWAYS} kills the engine."), RenderOptions(), "out.wav")
    assert "cue cue-2" in caught.value.detail
    assert store.blobs == {}
    # the engine recovers for the next render
    report = await use_case.execute(_cues("A normal line."), RenderOptions(), "again.wav")
    assert report.stats.cues == 5


async def test_a_2000_character_cue_is_synthesized_and_reported() -> None:
    engine = EspeakSpeechSynthesizer(workers=1)
    try:
        use_case, store = _render(engine)
        text = ("The committee met again on Tuesday to discuss the budget. " * 40)[:2000]
        report = await use_case.execute(
            [RenderCue(id="long", start_ms=0, end_ms=20_000, text=text)], RenderOptions(), "long.wav"
        )
    finally:
        engine.close()
    (fit,) = report.cues
    assert fit.natural_ms > 60_000  # two minutes of speech, all of it
    assert fit.action == "overlap"
    assert fit.speed == pytest.approx(1.6, abs=0.05)
    assert store.exists("long.wav")


async def test_cjk_with_an_english_voice_is_rendered_and_flagged() -> None:
    engine = EspeakSpeechSynthesizer(workers=1)
    try:
        use_case, store = _render(engine)
        report = await use_case.execute(
            [RenderCue(id="ja", start_ms=0, end_ms=4000, text="今日はいい天気ですね。")], RenderOptions(), "ja.wav"
        )
    finally:
        engine.close()
    (fit,) = report.cues
    assert "script_unsupported:Han" in fit.flags
    assert report.totals.flagged == 1
    assert store.exists("ja.wav")


async def test_listing_voices_starts_every_engine_process_before_the_first_render() -> None:
    engine = EspeakSpeechSynthesizer(workers=2)
    try:
        await engine.list_voices()
        pool = engine._engine.pool
        assert pool is not None
        processes = list(pool._processes.values())
        assert len(processes) == 2
        assert all(process.is_alive() for process in processes)
    finally:
        engine.close()
