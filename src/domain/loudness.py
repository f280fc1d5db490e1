"""The loudness gain of a mix: the integrated loudness (EBU R128) reaches the target; a true-peak limiter
after the gain keeps inter-sample peaks under the ceiling instead of the gain stopping short."""

from __future__ import annotations

import msgspec

TRUE_PEAK_CEILING_DBTP = -1.0
# the limiter may leave the loudness a little under the target: rehearse it and correct when it does
LIMITER_HEADROOM_DB = 3.0  # inter-sample peaks rarely pass the sample peak by more than this


class LoudnessGain(msgspec.Struct, frozen=True, kw_only=True):
    gain_db: float
    may_limit: bool  # the gain takes peaks near or over the ceiling: the limiter may work


def loudness_gain(
    measured_lufs: float | None,
    peak_dbfs: float | None,
    target_lufs: float,
    ceiling_dbtp: float = TRUE_PEAK_CEILING_DBTP,
) -> LoudnessGain:
    if measured_lufs is None or peak_dbfs is None:  # silent mix: nothing to normalise
        return LoudnessGain(gain_db=0.0, may_limit=False)
    gain = target_lufs - measured_lufs
    return LoudnessGain(gain_db=gain, may_limit=peak_dbfs + gain > ceiling_dbtp - LIMITER_HEADROOM_DB)


def secant_gain(tried: list[tuple[float, float]], target_lufs: float) -> float:
    """The next gain to try, from (gain, loudness through the limiter) pairs: a plain correction after
    one try, a secant step after more (more gain buys less loudness once the limiter works hard)."""
    gain, loudness = tried[-1]
    if len(tried) == 1:
        return gain + (target_lufs - loudness)
    before_gain, before_loudness = tried[-2]
    slope = (loudness - before_loudness) / (gain - before_gain) if gain != before_gain else 1.0
    slope = min(1.0, max(0.1, slope))  # the limiter can only take away loudness, never add it
    return gain + (target_lufs - loudness) / slope
