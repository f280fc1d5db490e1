"""The loudness gain of a mix: reach the target (EBU R128 integrated) unless peaks would pass the ceiling."""

from __future__ import annotations

import msgspec

PEAK_CEILING_DBFS = -1.0


class LoudnessGain(msgspec.Struct, frozen=True, kw_only=True):
    gain_db: float
    peak_limited: bool  # the ceiling stopped the gain short of the target


def loudness_gain(
    measured_lufs: float | None, peak_dbfs: float | None, target_lufs: float, ceiling_dbfs: float = PEAK_CEILING_DBFS
) -> LoudnessGain:
    if measured_lufs is None or peak_dbfs is None:  # silent mix: nothing to normalise
        return LoudnessGain(gain_db=0.0, peak_limited=False)
    wanted = target_lufs - measured_lufs
    allowed = ceiling_dbfs - peak_dbfs
    if wanted <= allowed:
        return LoudnessGain(gain_db=wanted, peak_limited=False)
    return LoudnessGain(gain_db=allowed, peak_limited=True)
