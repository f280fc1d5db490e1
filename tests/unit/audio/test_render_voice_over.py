"""The render use case with a fake engine and in-memory stores (the numpy mixer is real: it is fast)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pyloudnorm
import pytest
import soundfile
from scipy.signal import resample_poly

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from application.audio_pipeline.voice_over import RenderCancelled, RenderProgress, RenderVoiceOver
from application.errors import InvalidInput
from application.ports.speech import SynthesisFailed
from domain.render_options import RenderOptions
from domain.timing import RenderCue
from domain.voices import VoiceRef
from tests.fakes.speech import FakeSpeechSynthesizer
from tests.fakes.storage import InMemoryBlobStore, InMemoryClipCache

VOICE = VoiceRef(engine="fake", name="en-test")
KEY = "renders/test.wav"


@dataclass
class Rig:
    engine: FakeSpeechSynthesizer
    store: InMemoryBlobStore
    cache: InMemoryClipCache
    render: RenderVoiceOver

    def decode(self, key: str = KEY) -> tuple[np.ndarray, int]:
        data, rate = soundfile.read(io.BytesIO(self.store.blobs[key]), dtype="float32")
        return data, rate


def make_rig(engine: FakeSpeechSynthesizer | None = None, batch_size: int = 4) -> Rig:
    engine = engine or FakeSpeechSynthesizer(ms_per_char=50)
    store, cache = InMemoryBlobStore(), InMemoryClipCache()
    render = RenderVoiceOver(
        {"fake": engine},
        cache,
        NumpyClipProcessor(),
        StreamingTrackMixer(chunk_seconds=2),
        store,
        batch_size=batch_size,
    )
    return Rig(engine, store, cache, render)


def cue(cue_id: str, start: int, end: int, chars: int, voice: VoiceRef | None = None) -> RenderCue:
    return RenderCue(id=cue_id, start_ms=start, end_ms=end, text="a" * chars, voice=voice)


# A hand-built track with known overflows (50 ms per character, borrow 500 ms, no early start).
HAND_BUILT = [
    cue("fits", 0, 2000, 20),  # 1000 ms in a 2500 ms window
    cue("faster", 10_000, 12_000, 60),  # 3000 ms in 2500 ms: rate 1.2
    cue("too-long", 20_000, 22_000, 100),  # 5000 ms in 2500 ms: needs 2.0
    cue("far-too-long", 30_000, 32_000, 150),  # 7500 ms in 2500 ms: needs 3.0
]


# covers: S-CODE-5
@pytest.mark.parametrize(
    ("overflow", "expected"),
    [
        ("overlap", {"fits": ("fit", 1.0, 0), "faster": ("sped_up", 1.2, 0), "too-long": ("overlap", 1.6, 625),
                     "far-too-long": ("overlap", 1.6, 2188)}),
        ("truncate", {"fits": ("fit", 1.0, 0), "faster": ("sped_up", 1.2, 0), "too-long": ("truncated", 1.6, 625),
                      "far-too-long": ("truncated", 1.6, 2188)}),
        ("compress", {"fits": ("fit", 1.0, 0), "faster": ("sped_up", 1.2, 0), "too-long": ("compressed", 2.0, 0),
                      "far-too-long": ("truncated", 2.0, 1250)}),
    ],
)  # fmt: skip
async def test_fit_report_of_a_hand_built_track(overflow: str, expected: dict[str, tuple[str, float, int]]) -> None:
    rig = make_rig()
    options = RenderOptions(voice=VOICE, overflow=overflow, borrow_ms=500, lead_ms=0)  # type: ignore[arg-type]
    report = await rig.render.execute(HAND_BUILT, options, KEY)
    got = {fit.cue_id: (fit.action, fit.speed, fit.overflow_ms) for fit in report.cues}
    for cue_id, (action, speed, overflow_ms) in expected.items():
        assert got[cue_id][0] == action, cue_id
        assert got[cue_id][1] == pytest.approx(speed, abs=0.015), cue_id
        assert got[cue_id][2] == pytest.approx(overflow_ms, abs=3), cue_id
    assert report.stats.cues == 4
    assert report.stats.synthesized == 4
    assert report.stats.from_cache == 0
    if overflow == "truncate":
        by_id = {fit.cue_id: fit for fit in report.cues}
        assert by_id["too-long"].final_ms == pytest.approx(2500, abs=2)


async def test_clips_start_at_their_cue_and_silence_is_digital() -> None:
    rig = make_rig()
    await rig.render.execute(HAND_BUILT, RenderOptions(voice=VOICE, lead_ms=0), KEY)
    audio, rate = rig.decode()
    assert rate == 24000
    for start_ms in (0, 10_000, 20_000, 30_000):
        start = start_ms * rate // 1000
        assert np.all(audio[start - 240 : start] == 0.0)
        onset = start + int(np.flatnonzero(np.abs(audio[start : start + rate]) > 1e-3)[0])
        assert abs(onset - start) <= rate // 100  # within 10 ms
    assert np.all(audio[4 * rate : 9 * rate] == 0.0)  # between cues: digital silence


async def test_track_runs_from_zero_to_the_later_of_last_cue_end_and_last_clip_end() -> None:
    rig = make_rig()
    report = await rig.render.execute(
        [cue("a", 1000, 2000, 10), cue("b", 5000, 9000, 10)], RenderOptions(voice=VOICE), KEY
    )
    audio, rate = rig.decode()
    assert report.stats.duration_ms == 9000
    assert audio.size == 9 * rate
    report = await rig.render.execute([cue("a", 1000, 2000, 60)], RenderOptions(voice=VOICE), KEY)  # overflows
    audio, rate = rig.decode()
    assert report.stats.duration_ms > 2500
    assert audio.size == pytest.approx(report.stats.duration_ms * 24, abs=24)


async def test_overlapping_cues_are_both_mixed_and_flagged() -> None:
    rig = make_rig()
    report = await rig.render.execute(
        [cue("a", 0, 3000, 40), cue("b", 1000, 4000, 40), cue("c", 8000, 9000, 5)], RenderOptions(voice=VOICE), KEY
    )
    flags = {fit.cue_id: fit.overlapping for fit in report.cues}
    assert flags == {"a": True, "b": True, "c": False}
    assert report.stats.overlapping == 2
    audio, rate = rig.decode()
    both = audio[int(1.2 * rate) : int(1.9 * rate)]
    alone = audio[int(0.2 * rate) : int(0.9 * rate)]
    assert np.max(np.abs(both)) > 1.5 * np.max(np.abs(alone))  # the two voices add up


async def test_loudness_is_normalised_to_the_target() -> None:
    rig = make_rig()
    cues = [cue(str(i), i * 3000, i * 3000 + 2500, 40) for i in range(8)]
    report = await rig.render.execute(cues, RenderOptions(voice=VOICE, loudness_lufs=-20), KEY)
    audio, rate = rig.decode()
    measured = pyloudnorm.Meter(rate).integrated_loudness(audio.astype(np.float64))
    assert not report.loudness.peak_limited
    assert measured == pytest.approx(-20, abs=0.2)


async def test_a_loud_target_is_reached_with_the_limiter_holding_the_true_peak() -> None:
    rig = make_rig()
    cues = [cue(str(i), i * 3000, i * 3000 + 2500, 40) for i in range(4)]
    report = await rig.render.execute(cues, RenderOptions(voice=VOICE, loudness_lufs=-5.5), KEY)
    audio, rate = rig.decode()
    measured = pyloudnorm.Meter(rate).integrated_loudness(audio.astype(np.float64))
    true_peak = 20 * np.log10(np.max(np.abs(resample_poly(audio, 4, 1))))
    assert measured == pytest.approx(-5.5, abs=0.5)
    assert true_peak <= -1.0
    loudness = report.loudness
    assert loudness.peak_limited and loudness.limited_ms > 0 and loudness.limiter_max_db < 0
    assert loudness.output_lufs == pytest.approx(measured, abs=0.3)
    assert loudness.true_peak_dbtp is not None and loudness.true_peak_dbtp <= -1.0


async def test_rerender_uses_the_cache_and_an_edit_synthesizes_only_that_cue() -> None:
    rig = make_rig()
    cues = [cue(str(i), i * 4000, i * 4000 + 3000, 30 + i) for i in range(10)]
    options = RenderOptions(voice=VOICE)
    first = await rig.render.execute(cues, options, KEY)
    assert first.stats.synthesized == 10
    assert first.stats.engine_requests >= 10

    again = await rig.render.execute(cues, options, KEY)
    assert (again.stats.synthesized, again.stats.from_cache, again.stats.engine_requests) == (0, 10, 0)

    edited = list(cues)
    edited[3] = RenderCue(id="3", start_ms=12_000, end_ms=15_000, text="a different line")
    edited[7] = RenderCue(id="7", start_ms=28_000, end_ms=31_000, text="another different line")
    third = await rig.render.execute(edited, options, KEY)
    assert (third.stats.synthesized, third.stats.refitted, third.stats.from_cache) == (2, 0, 8)


async def test_a_moved_cue_refits_its_neighbour_and_reports_it() -> None:
    rig = make_rig()
    options = RenderOptions(voice=VOICE)
    cues = [cue("a", 0, 2000, 48), cue("b", 5000, 7000, 10)]  # a: 2400 ms in a 2500 ms window
    await rig.render.execute(cues, options, KEY)
    moved = [cues[0], cue("b", 2100, 4100, 10)]  # b now starts 100 ms after a ends: a's window shrinks
    report = await rig.render.execute(moved, options, KEY)
    assert (report.stats.synthesized, report.stats.refitted, report.stats.from_cache) == (0, 1, 1)


async def test_empty_and_markup_only_tracks_are_refused_and_nothing_is_written() -> None:
    rig = make_rig()
    for cues in ([], [RenderCue(id="1", start_ms=0, end_ms=1000, text="  \n ")]):
        with pytest.raises(InvalidInput) as caught:
            await rig.render.execute(cues, RenderOptions(voice=VOICE), KEY)
        assert caught.value.code == "empty_track"
    assert rig.store.blobs == {}
    assert rig.engine.calls == []


async def test_unknown_voice_lists_close_matches_before_any_work() -> None:
    rig = make_rig()
    with pytest.raises(InvalidInput) as caught:
        await rig.render.execute(HAND_BUILT, RenderOptions(voice=VoiceRef(engine="fake", name="en-tset")), KEY)
    assert caught.value.code == "unknown_voice"
    assert "fake:en-test" in caught.value.detail
    with pytest.raises(InvalidInput) as caught:
        await rig.render.execute(HAND_BUILT, RenderOptions(voice=VoiceRef(engine="nope", name="x")), KEY)
    assert "fake" in caught.value.detail
    assert rig.store.blobs == {}
    assert rig.engine.calls == []


async def test_a_cue_voice_overrides_the_render_voice() -> None:
    rig = make_rig()
    french = VoiceRef(engine="fake", name="fr-test")
    await rig.render.execute(
        [cue("1", 0, 3000, 10), cue("2", 4000, 7000, 10, voice=french)], RenderOptions(voice=VOICE), KEY
    )
    assert {call.voice.name for call in rig.engine.calls} == {"en-test", "fr-test"}


async def test_cancellation_between_batches_leaves_no_output() -> None:
    rig = make_rig(batch_size=2)
    checks = 0

    async def cancel() -> bool:
        nonlocal checks
        checks += 1
        return checks > 2

    cues = [cue(str(i), i * 3000, i * 3000 + 2000, 20) for i in range(10)]
    with pytest.raises(RenderCancelled):
        await rig.render.execute(cues, RenderOptions(voice=VOICE), KEY, cancel=cancel)
    assert rig.store.blobs == {}


async def test_progress_climbs_to_the_total() -> None:
    rig = make_rig(batch_size=3)
    seen: list[RenderProgress] = []

    async def progress(update: RenderProgress) -> None:
        seen.append(update)

    cues = [cue(str(i), i * 3000, i * 3000 + 2000, 20) for i in range(10)]
    await rig.render.execute(cues, RenderOptions(voice=VOICE), KEY, progress=progress)
    dones = [update.done for update in seen]
    assert dones == sorted(dones)
    assert seen[-1].done == seen[-1].total == 20
    assert {update.stage for update in seen} == {"synthesizing", "measuring", "limiting", "encoding"}
    assert max(update.cues_done for update in seen) == 10


async def test_engine_failure_names_the_cue_and_writes_nothing() -> None:
    rig = make_rig(FakeSpeechSynthesizer(ms_per_char=50, fail_marker="BOOM"))
    cues = [cue("ok", 0, 2000, 10), RenderCue(id="bad-cue", start_ms=3000, end_ms=5000, text="it goes BOOM")]
    with pytest.raises(SynthesisFailed) as caught:
        await rig.render.execute(cues, RenderOptions(voice=VOICE), KEY)
    assert "bad-cue" in caught.value.detail
    assert rig.store.blobs == {}


async def test_a_2000_character_cue_is_synthesized_fitted_and_reported() -> None:
    rig = make_rig(FakeSpeechSynthesizer(ms_per_char=5))
    text = ("This is a long sentence. " * 80)[:2000]
    report = await rig.render.execute(
        [RenderCue(id="long", start_ms=0, end_ms=4000, text=text)], RenderOptions(voice=VOICE), KEY
    )
    (fit,) = report.cues
    assert fit.natural_ms == pytest.approx(10_000, abs=20)
    assert fit.action == "overlap"
    assert fit.speed > 1.5


async def test_text_the_voice_cannot_read_is_rendered_and_flagged() -> None:
    rig = make_rig()
    cues = [RenderCue(id="cjk", start_ms=0, end_ms=3000, text="日本語のテキスト"), cue("latin", 4000, 6000, 10)]
    report = await rig.render.execute(cues, RenderOptions(voice=VOICE), KEY)
    flags = {fit.cue_id: fit.flags for fit in report.cues}
    assert set(flags["cjk"]) == {"script_unsupported:Han", "script_unsupported:Kana"}
    assert flags["latin"] == ()
    assert report.totals.flagged == 1
    japanese = await rig.render.execute(cues[:1], RenderOptions(voice=VoiceRef(engine="fake", name="ja-test")), KEY)
    assert japanese.cues[0].flags == ()


async def test_an_engine_that_overshoots_the_rate_is_asked_again() -> None:
    rig = make_rig(FakeSpeechSynthesizer(ms_per_char=50, rate_response=1.3))
    report = await rig.render.execute([cue("x", 0, 2000, 60)], RenderOptions(voice=VOICE, borrow_ms=0), KEY)
    (fit,) = report.cues
    assert fit.speed == pytest.approx(1.5, rel=0.025)  # 3000 ms into 2000 ms, not the engine's 1.65
    assert report.stats.engine_requests == 3


async def test_a_line_starts_early_into_silence_and_its_speakers_neighbour_is_smoothed() -> None:
    rig = make_rig()
    cues = [
        RenderCue(id="a", start_ms=0, end_ms=1000, text="a" * 10, speaker="anna"),  # 500 ms
        RenderCue(id="b", start_ms=1300, end_ms=2000, text="a" * 20, speaker="ben"),  # 1000 ms in 800: 200 early
        RenderCue(id="c", start_ms=2100, end_ms=3100, text="a" * 30, speaker="anna"),  # 1500 ms up to d: 1.5x
        RenderCue(id="d", start_ms=3100, end_ms=4000, text="a" * 10, speaker="ben"),
    ]
    report = await rig.render.execute(cues, RenderOptions(voice=VOICE, lead_ms=300), KEY)
    fits = {fit.cue_id: fit for fit in report.cues}
    assert fits["b"].why == "lead"
    assert fits["b"].lead_ms == pytest.approx(200, abs=2)
    assert fits["b"].window_start_ms == 1300 - fits["b"].lead_ms
    assert fits["c"].why == "sped_up"
    assert fits["c"].planned_speed == pytest.approx(1.5, abs=0.015)
    assert fits["c"].speed == pytest.approx(1.5, abs=0.04)
    assert fits["a"].why == "smoothed"  # anna's line before c (b is ben's)
    assert fits["a"].planned_speed == pytest.approx(fits["c"].planned_speed - 0.15)
    assert (fits["d"].why, fits["d"].planned_speed) == ("fits", 1.0)
    audio, rate = rig.decode()
    assert np.max(np.abs(audio[int(1.11 * rate) : int(1.29 * rate)])) > 1e-3  # b is heard before its cue starts
    assert not any(fit.overlapping for fit in report.cues)
