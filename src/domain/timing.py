"""Cue timing windows and the fitting plan: pure rules, in milliseconds.

`cue_windows` is the fixed-borrow window of each cue alone (the whole-track planner is in
`domain.planner`). A clip that fits is played as it is (speech is never slowed down); a longer one is
re-synthesized faster (rate = length / window, capped), a small residual is time-stretched or
accepted, and what still overflows follows the overflow policy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import msgspec

from domain.errors import InvariantViolated
from domain.render_options import RenderOptions
from domain.voices import VoiceRef

MAX_TIMELINE_MS = 86_400_000
RESIDUAL_TOLERANCE = 0.02  # a re-synthesized clip up to 2 % longer than its window is accepted
RATE_STEP = 0.01  # rates are rounded up to this step so the clip cache sees few distinct values
TRUNCATE_FADE_MS = 30
MAX_ENGINE_RATE = 2.5  # the rate asked of an engine may exceed the speed cap when its rate control undershoots

FitAction = Literal["fit", "sped_up", "overlap", "truncated", "compressed"]


class RenderCue(msgspec.Struct, frozen=True, kw_only=True):
    """What the renderer needs of a cue (the subtitle store maps its own cues to this)."""

    id: str
    start_ms: int
    end_ms: int
    text: str
    voice: VoiceRef | None = None
    speaker: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.start_ms < self.end_ms <= MAX_TIMELINE_MS:
            raise InvariantViolated(
                f"cue {self.id}: needs 0 <= start_ms < end_ms <= {MAX_TIMELINE_MS}", field="start_ms"
            )


class CueWindow(msgspec.Struct, frozen=True, kw_only=True):
    cue: RenderCue
    window_end_ms: int

    @property
    def window_ms(self) -> int:
        return self.window_end_ms - self.cue.start_ms

    @property
    def borrowed_ms(self) -> int:
        return self.window_end_ms - self.cue.end_ms


class Fit(msgspec.Struct, frozen=True, kw_only=True):
    """How one clip is placed: the clip synthesized at `rate`, stretched by `stretch`, cut to `keep_ms`."""

    rate: float
    stretch: float
    speed: float  # effective speed against the natural clip (1.0 = as the voice speaks)
    final_ms: float  # length on the timeline after stretch and cut
    overflow_ms: int  # how far the speech runs (overlap) or ran (truncated) past the window end
    action: FitAction
    keep_ms: float | None = None  # cut here (with a short fade) when the policy truncates


def cue_windows(cues: Sequence[RenderCue], borrow_ms: int) -> list[CueWindow]:
    """Windows in timeline order (start, then end, then input order)."""
    ordered = sorted(enumerate(cues), key=lambda pair: (pair[1].start_ms, pair[1].end_ms, pair[0]))
    windows: list[CueWindow] = []
    for position, (_, cue) in enumerate(ordered):
        following = ordered[position + 1][1].start_ms if position + 1 < len(ordered) else None
        silence = borrow_ms if following is None else max(0, following - cue.end_ms)
        windows.append(CueWindow(cue=cue, window_end_ms=cue.end_ms + min(borrow_ms, silence)))
    return windows


def _round_rate_up(rate: float) -> float:
    return math.ceil(round(rate / RATE_STEP, 6)) * RATE_STEP


def synthesis_rate(natural_ms: float, window_ms: int, options: RenderOptions) -> float:
    """The rate to re-synthesize at: 1.0 when the clip fits, else length / window up to the cap."""
    if natural_ms <= window_ms:
        return 1.0
    return min(round(_round_rate_up(natural_ms / window_ms), 2), options.speed_cap)


def corrected_rate(natural_ms: float, wanted: float, rate: float, produced_ms: float) -> float | None:
    """A second try when the engine's rate control missed the `wanted` speed by more than the tolerance.

    Engines do not scale pauses and phonemes linearly: espeak-ng at rate 1.6 speaks ~1.7x faster.
    Returns None when `rate` did well enough (or was not a speed-up).
    """
    if rate == 1.0 or natural_ms <= 0 or produced_ms <= 0:
        return None
    achieved = natural_ms / produced_ms
    if abs(achieved / wanted - 1.0) <= RESIDUAL_TOLERANCE:
        return None
    better = round(min(max(_round_rate_up(rate * wanted / achieved), 1.0), MAX_ENGINE_RATE), 2)
    return None if better == rate else better


def settle_fit(natural_ms: float, window_ms: int, rate: float, produced_ms: float, options: RenderOptions) -> Fit:
    """Decide stretch, cut and action once the clip at `rate` is known to last `produced_ms`."""
    if natural_ms <= 0 or produced_ms <= 0:
        return Fit(rate=rate, stretch=1.0, speed=1.0, final_ms=0.0, overflow_ms=0, action="fit")
    cap = options.speed_cap
    stretch = 1.0
    if produced_ms > window_ms * (1 + RESIDUAL_TOLERANCE):
        # stretch the residual, but never beyond the cap in effective speed, never slow down
        stretch = max(1.0, min(produced_ms / window_ms, cap * produced_ms / natural_ms))
    final_ms = produced_ms / stretch
    speed = natural_ms / final_ms
    excess = final_ms - window_ms
    if excess <= window_ms * RESIDUAL_TOLERANCE:
        compressed = options.overflow == "compress" and speed > options.max_speed * (1 + RESIDUAL_TOLERANCE)
        action: FitAction = "fit" if speed <= 1.0 + 1e-9 else "compressed" if compressed else "sped_up"
        return Fit(
            rate=rate,
            stretch=stretch,
            speed=max(1.0, speed),
            final_ms=final_ms,
            overflow_ms=max(0, math.ceil(excess)),
            action=action,
        )
    overflow = math.ceil(excess)
    if options.overflow == "overlap":
        return Fit(rate=rate, stretch=stretch, speed=speed, final_ms=final_ms, overflow_ms=overflow, action="overlap")
    return Fit(
        rate=rate,
        stretch=stretch,
        speed=speed,
        final_ms=float(window_ms),
        overflow_ms=overflow,
        action="truncated",
        keep_ms=float(window_ms),
    )
