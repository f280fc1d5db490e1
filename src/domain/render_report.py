"""The per-cue fit report of a render, its totals, and the render's statistics."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from domain.planner import PlanReason
from domain.timing import FitAction


class CueFitReport(msgspec.Struct, frozen=True, kw_only=True):
    cue_id: str
    start_ms: int
    end_ms: int
    window_end_ms: int
    natural_ms: int  # trimmed clip length at the voice's own speed
    final_ms: int  # length on the timeline
    speed: float
    overflow_ms: int
    action: FitAction
    overlapping: bool = False  # its speech overlaps another cue's speech (dialogue or overflow)
    flags: tuple[str, ...] = ()  # e.g. "script_unsupported:Han"
    window_start_ms: int | None = None  # where the speech starts (start_ms - lead_ms); older reports lack it
    lead_ms: int = 0
    planned_speed: float = 1.0  # the speed the planner chose for the whole track
    why: PlanReason = "fits"

    voice: str | None = None  # the voice that spoke it, engine:name
    speaker: str | None = None

    @property
    def speech_start_ms(self) -> int:
        return self.start_ms if self.window_start_ms is None else self.window_start_ms


class FitTotals(msgspec.Struct, frozen=True, kw_only=True):
    cues: int
    fit: int
    sped_up: int
    compressed: int
    overlap: int
    truncated: int
    overlapping: int
    flagged: int
    max_speed_used: float
    total_overflow_ms: int


class LoudnessReport(msgspec.Struct, frozen=True, kw_only=True):
    target_lufs: float
    measured_lufs: float | None  # None for a silent mix
    gain_db: float
    peak_dbfs: float | None  # sample peak after the gain and the limiter
    peak_limited: bool  # the true-peak limiter turned some peaks down
    output_lufs: float | None = None  # the loudness of what was encoded (through the limiter)
    true_peak_dbtp: float | None = None  # of what was encoded (4x oversampled)
    limited_ms: int = 0  # how long the limiter was turning the signal down
    limiter_max_db: float = 0.0  # its deepest reduction (negative dB)


class RenderStats(msgspec.Struct, frozen=True, kw_only=True):
    cues: int
    synthesized: int  # cues whose text had to be synthesized (not in the clip cache)
    refitted: int  # cues whose text was cached but needed a new clip at another rate (window changed)
    from_cache: int  # cues served entirely from the clip cache
    sped_up: int
    truncated: int
    overlapping: int
    max_speed_used: float
    duration_ms: int
    size_bytes: int
    engine_requests: int  # clips the engines synthesized, natural and re-fitted


class DeliveryReport(msgspec.Struct, frozen=True, kw_only=True):
    """The delivery over media: the mixed dub and what became of the source's streams."""

    duration_ms: int
    dub_codec: str
    mix_lufs: float | None
    mix_peak_dbfs: float | None
    transcoded: tuple[str, ...] = ()  # source streams re-encoded because the container cannot carry them
    dropped: tuple[str, ...] = ()  # source streams the container cannot carry at all
    speech_cut_ms: int = 0  # speech past the end of the media, not delivered


class RenderReport(msgspec.Struct, frozen=True, kw_only=True):
    cues: tuple[CueFitReport, ...]
    totals: FitTotals
    loudness: LoudnessReport  # of the voice stem
    stats: RenderStats
    delivery: DeliveryReport | None = None


def mark_overlaps(fits: Sequence[CueFitReport]) -> list[CueFitReport]:
    """Flag every cue whose cue span or speech overlaps another cue's (both sides are flagged)."""
    spans = [
        (fit.speech_start_ms, max(fit.end_ms, fit.speech_start_ms + fit.final_ms), index)
        for index, fit in enumerate(fits)
    ]
    spans.sort()
    flagged: set[int] = set()
    reach_end, reach_index = -1, -1
    for start, end, index in spans:
        if start < reach_end:
            flagged.update((index, reach_index))
        if end > reach_end:
            reach_end, reach_index = end, index
    return [msgspec.structs.replace(fit, overlapping=i in flagged) for i, fit in enumerate(fits)]


def fit_totals(fits: Sequence[CueFitReport]) -> FitTotals:
    def count(action: FitAction) -> int:
        return sum(1 for fit in fits if fit.action == action)

    return FitTotals(
        cues=len(fits),
        fit=count("fit"),
        sped_up=count("sped_up"),
        compressed=count("compressed"),
        overlap=count("overlap"),
        truncated=count("truncated"),
        overlapping=sum(1 for fit in fits if fit.overlapping),
        flagged=sum(1 for fit in fits if fit.flags),
        max_speed_used=round(max((fit.speed for fit in fits), default=1.0), 3),
        total_overflow_ms=sum(fit.overflow_ms for fit in fits if fit.action in ("overlap", "truncated")),
    )


def worst_fits(fits: Sequence[CueFitReport], count: int = 5) -> list[CueFitReport]:
    """The cues that fitted worst: most overflow first, then fastest."""
    ranked = sorted(fits, key=lambda fit: (fit.overflow_ms, fit.speed), reverse=True)
    return [fit for fit in ranked[:count] if fit.action != "fit"]
