"""The fitting plan: windows, rates, residual handling and overflow policies (pure domain, milliseconds)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvariantViolated
from domain.render_options import SPEED_CEILING, RenderOptions
from domain.timing import (
    RESIDUAL_TOLERANCE,
    RenderCue,
    corrected_rate,
    cue_windows,
    settle_fit,
    synthesis_rate,
)


@st.composite
def cue_lists(draw: st.DrawFn) -> list[RenderCue]:
    count = draw(st.integers(min_value=1, max_value=30))
    cues = []
    for index in range(count):
        start = draw(st.integers(min_value=0, max_value=600_000))
        length = draw(st.integers(min_value=1, max_value=10_000))
        cues.append(RenderCue(id=str(index), start_ms=start, end_ms=start + length, text="x"))
    return cues


options_strategy = st.builds(
    RenderOptions,
    max_speed=st.floats(min_value=1.0, max_value=2.0),
    overflow=st.sampled_from(["overlap", "truncate", "compress"]),
    borrow_ms=st.integers(min_value=0, max_value=2000),
)


# covers: S-CODE-4
@given(cue_lists(), st.integers(min_value=0, max_value=5000))
def test_windows_borrow_only_silence_before_the_next_cue(cues: list[RenderCue], borrow: int) -> None:
    windows = cue_windows(cues, borrow)
    assert sorted(w.cue.id for w in windows) == sorted(c.id for c in cues)
    starts = [w.cue.start_ms for w in windows]
    assert starts == sorted(starts)
    for position, window in enumerate(windows):
        assert window.cue.end_ms <= window.window_end_ms <= window.cue.end_ms + borrow
        if position + 1 < len(windows):
            following = windows[position + 1].cue.start_ms
            if following >= window.cue.end_ms:
                assert window.window_end_ms == min(window.cue.end_ms + borrow, following)
            else:
                assert window.borrowed_ms == 0
        else:
            assert window.borrowed_ms == borrow


def test_window_examples() -> None:
    a = RenderCue(id="a", start_ms=0, end_ms=1000, text="a")
    b = RenderCue(id="b", start_ms=1200, end_ms=2000, text="b")
    c = RenderCue(id="c", start_ms=1500, end_ms=2500, text="c")  # overlaps b
    windows = {w.cue.id: w.window_end_ms for w in cue_windows([c, a, b], 500)}
    assert windows == {"a": 1200, "b": 2000, "c": 3000}


@given(st.floats(min_value=1, max_value=60_000), st.integers(min_value=1, max_value=30_000), options_strategy)
def test_rate_is_never_below_one_and_never_above_the_cap(natural: float, window: int, options: RenderOptions) -> None:
    rate = synthesis_rate(natural, window, options)
    assert 1.0 <= rate <= options.speed_cap + 1e-9
    if natural <= window:
        assert rate == 1.0
    elif natural / window <= options.speed_cap:
        assert rate * window >= natural - 1e-6  # fast enough to fit


# covers: S-CODE-4
@given(
    natural=st.floats(min_value=50, max_value=60_000),
    window=st.integers(min_value=50, max_value=30_000),
    response=st.floats(min_value=0.7, max_value=1.3),  # how far the engine's rate control over/undershoots
    options=options_strategy,
)
def test_full_plan_never_slows_speech_and_obeys_the_policy(
    natural: float, window: int, response: float, options: RenderOptions
) -> None:
    def engine(rate: float) -> float:
        return natural / (1 + (rate - 1) * response)

    rate = synthesis_rate(natural, window, options)
    produced = engine(rate)
    second = corrected_rate(natural, min(natural / window, options.speed_cap), rate, produced)
    if second is not None:
        rate, produced = second, engine(second)
    fit = settle_fit(natural, window, rate, produced, options)

    assert fit.speed >= 1.0 - 1e-9  # never slowed down
    assert fit.stretch >= 1.0
    if natural <= window:
        assert fit.action == "fit"
        assert fit.speed == 1.0
        assert fit.overflow_ms == 0
    if fit.action in ("fit", "sped_up", "compressed"):
        assert fit.final_ms <= window * (1 + RESIDUAL_TOLERANCE) + 1e-6
    if fit.action == "compressed":
        assert options.overflow == "compress"
        assert fit.speed > options.max_speed
    if fit.action == "overlap":
        assert options.overflow == "overlap"
        assert fit.overflow_ms > 0
        assert fit.final_ms > window
    if fit.action == "truncated":
        assert options.overflow in ("truncate", "compress")
        assert fit.keep_ms == window
        assert fit.final_ms == window
        assert fit.overflow_ms > 0
    # stretching never pushes past the cap; only the engine's own overshoot may
    if fit.stretch > 1.0:
        assert fit.speed <= options.speed_cap * (1 + 1e-6)
    assert fit.speed <= SPEED_CEILING * 1.3 + 1e-6


def test_fit_examples_with_an_exact_engine() -> None:
    options = RenderOptions()
    fits = settle_fit(1000, 2000, 1.0, 1000, options)
    assert (fits.action, fits.speed, fits.overflow_ms) == ("fit", 1.0, 0)

    assert synthesis_rate(3000, 2500, options) == 1.2
    sped = settle_fit(3000, 2500, 1.2, 2500, options)
    assert (sped.action, sped.speed, sped.overflow_ms) == ("sped_up", 1.2, 0)

    assert synthesis_rate(5000, 2500, options) == 1.6
    over = settle_fit(5000, 2500, 1.6, 3125, options)
    assert (over.action, over.speed, over.overflow_ms, over.final_ms) == ("overlap", 1.6, 625, 3125)

    truncate = RenderOptions(overflow="truncate")
    cut = settle_fit(5000, 2500, 1.6, 3125, truncate)
    assert (cut.action, cut.overflow_ms, cut.keep_ms) == ("truncated", 625, 2500)

    compress = RenderOptions(overflow="compress")
    assert synthesis_rate(5000, 2500, compress) == 2.0
    squeezed = settle_fit(5000, 2500, 2.0, 2500, compress)
    assert (squeezed.action, squeezed.speed) == ("compressed", 2.0)
    assert synthesis_rate(7500, 2500, compress) == SPEED_CEILING
    beyond = settle_fit(7500, 2500, 2.0, 3750, compress)
    assert (beyond.action, beyond.overflow_ms, beyond.keep_ms) == ("truncated", 1250, 2500)


def test_a_small_residual_is_accepted_and_a_larger_one_stretched() -> None:
    options = RenderOptions()
    accepted = settle_fit(3000, 2500, 1.2, 2540, options)  # 1.6 % over
    assert accepted.stretch == 1.0
    assert accepted.action == "sped_up"
    stretched = settle_fit(3000, 2500, 1.2, 2700, options)  # 8 % over, still under the cap after stretching
    assert stretched.stretch == pytest.approx(2700 / 2500)
    assert stretched.final_ms == pytest.approx(2500)
    assert stretched.speed == pytest.approx(1.2)


def test_corrected_rate_answers_an_engine_that_overshoots() -> None:
    # asked 1.6, the engine spoke 1.76x: ask less the second time
    better = corrected_rate(5000, 1.6, 1.6, 5000 / 1.76)
    assert better is not None
    assert 1.4 < better < 1.6
    assert corrected_rate(3000, 1.2, 1.2, 2500) is None  # on target
    assert corrected_rate(1000, 1.0, 1.0, 1000) is None  # no speed-up asked


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("format", {"format": "aac"}),
        ("overflow", {"overflow": "squash"}),
        ("sample_rate", {"sample_rate": 12345}),
        ("loudness_lufs", {"loudness_lufs": 0.0}),
        ("max_speed", {"max_speed": 0.9}),
        ("max_speed", {"max_speed": 2.5}),
        ("borrow_ms", {"borrow_ms": -1}),
        ("lead_ms", {"lead_ms": 301}),
        ("max_rate_step", {"max_rate_step": 0.0}),
    ],
)
def test_render_options_reject_bad_values(field: str, kwargs: dict[str, object]) -> None:
    with pytest.raises(InvariantViolated) as caught:
        RenderOptions(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_cue_timing_is_validated() -> None:
    with pytest.raises(InvariantViolated):
        RenderCue(id="1", start_ms=500, end_ms=500, text="x")
