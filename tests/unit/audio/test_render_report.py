from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.clips import clip_key
from domain.loudness import loudness_gain, secant_gain
from domain.render_report import CueFitReport, fit_totals, mark_overlaps, worst_fits
from domain.scripts import unreadable_scripts
from domain.voices import VoiceRef


def _fit(cue_id: str, start: int, end: int, final: int, **kw: object) -> CueFitReport:
    base: dict[str, object] = {
        "natural_ms": final,
        "speed": 1.0,
        "overflow_ms": 0,
        "action": "fit",
    }
    base.update(kw)
    return CueFitReport(
        cue_id=cue_id,
        start_ms=start,
        end_ms=end,
        window_end_ms=end,
        final_ms=final,
        **base,  # type: ignore[arg-type]
    )


spans = st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(1, 3_000), st.integers(0, 5_000)), min_size=1, max_size=25
)


@given(spans)
def test_overlap_flags_match_a_brute_force_check(items: list[tuple[int, int, int]]) -> None:
    fits = [_fit(str(i), start, start + length, final) for i, (start, length, final) in enumerate(items)]
    flagged = mark_overlaps(fits)

    def span(f: CueFitReport) -> tuple[int, int]:
        return f.start_ms, max(f.end_ms, f.start_ms + f.final_ms)

    for i, fit in enumerate(fits):
        a = span(fit)
        expected = any(max(a[0], span(other)[0]) < min(a[1], span(other)[1]) for j, other in enumerate(fits) if j != i)
        assert flagged[i].overlapping == expected


def test_two_speakers_at_once_are_both_flagged_and_totals_count_them() -> None:
    fits = mark_overlaps(
        [
            _fit("a", 0, 2000, 1500),
            _fit("b", 1000, 3000, 1800, action="sped_up", speed=1.3),
            _fit("c", 5000, 6000, 1500, action="overlap", speed=1.6, overflow_ms=400),
            _fit("d", 6200, 7000, 500),
        ]
    )
    assert [f.overlapping for f in fits] == [True, True, True, True]
    totals = fit_totals(fits)
    assert (totals.cues, totals.fit, totals.sped_up, totals.overlap, totals.overlapping) == (4, 2, 1, 1, 4)
    assert totals.max_speed_used == 1.6
    assert totals.total_overflow_ms == 400
    assert [f.cue_id for f in worst_fits(fits)] == ["c", "b"]


def test_loudness_gain_reaches_the_target_and_says_when_the_limiter_may_work() -> None:
    free = loudness_gain(-22.0, -12.0, -16.0)
    assert free.gain_db == 6.0
    assert not free.may_limit  # peaks end at -6 dBFS: no inter-sample peak reaches -1 dBTP
    peaky = loudness_gain(-22.0, -3.0, -16.0)
    assert peaky.gain_db == 6.0  # the limiter, not the gain, keeps the peaks down
    assert peaky.may_limit
    quieter = loudness_gain(-10.0, -0.5, -16.0)
    assert quieter.gain_db == -6.0
    assert not quieter.may_limit
    silent = loudness_gain(None, None, -16.0)
    assert silent.gain_db == 0.0
    assert secant_gain([(6.0, -16.4)], -16.0) == pytest.approx(6.4)
    # the second try bought 0.2 LU for 0.4 dB: half a unit per dB, so 0.2 LU more needs 0.4 dB more
    assert secant_gain([(6.0, -16.4), (6.4, -16.2)], -16.0) == pytest.approx(6.8)


def test_clip_key_normalises_text_and_separates_every_parameter() -> None:
    voice = VoiceRef(engine="espeak", name="en-us")
    base = {"engine_version": "1", "voice": voice, "rate": 1.0, "sample_rate": 24000, "text": "Hello  world"}
    key = clip_key(**base)  # type: ignore[arg-type]
    assert clip_key(**{**base, "text": " Hello\nworld "}) == key  # type: ignore[arg-type]
    assert clip_key(**{**base, "text": "Cafe\u0301"}) == clip_key(**{**base, "text": "Café"})  # type: ignore[arg-type]
    for change in (
        {"engine_version": "2"},
        {"voice": VoiceRef(engine="espeak", name="en-gb")},
        {"rate": 1.2},
        {"sample_rate": 48000},
        {"text": "Hello world!"},
    ):
        assert clip_key(**{**base, **change}) != key  # type: ignore[arg-type]


def test_scripts_a_voice_cannot_read_are_named() -> None:
    assert unreadable_scripts("日本語のテキスト", "en-us") == ["Han", "Kana"] or unreadable_scripts(
        "日本語のテキスト", "en-us"
    ) == ["Kana", "Han"]
    assert unreadable_scripts("日本語のテキスト", "ja") == []
    assert unreadable_scripts("Привет, John", "ru") == []
    assert unreadable_scripts("Привет", "en") == ["Cyrillic"]
    assert unreadable_scripts("Café au lait 123 !", "fr-fr") == []
    assert unreadable_scripts("Hello", "xx-unknown") == []
