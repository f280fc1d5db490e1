"""The loudness a mix will have after a gain and the true-peak limiter, told from the measuring pass
(per tile of a few milliseconds: its K-weighted energy and its sample peak) without mixing again.

The limiter's gain moves slowly (held 40 ms, ramped over 10 ms), so a tile's energy under it is its
energy times the square of the gain there; the gain is drawn per tile as the limiter draws it per
sample. After the encoding pass the same sum is taken with the gains the limiter really applied.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import minimum_filter1d, uniform_filter1d

RAMP_S = 0.010  # the limiter's first stage: ramp and hold
HOLD_S = 0.040


def predicted_weights(peaks: np.ndarray, sizes: np.ndarray, gain: float, ceiling: float, rate: int) -> np.ndarray:
    """Each tile's energy factor under `gain` then the limiter (tiles of near-equal `sizes` samples)."""
    width = max(1.0, float(np.median(sizes[1:]))) if sizes.size > 1 else 1.0
    level = peaks.astype(np.float64) * gain
    need = np.ones(peaks.size)
    loud = level > ceiling
    need[loud] = ceiling / level[loud]
    before = int(np.ceil(RAMP_S * rate / width))  # a demand lowers the gain this many tiles before it
    after = int(np.ceil(HOLD_S * rate / width))  # and after
    size = before + after + 1
    held = minimum_filter1d(need, size, mode="nearest", origin=after - size // 2)
    smooth = uniform_filter1d(held, before + 1, mode="nearest", origin=before - (before + 1) // 2)
    return np.asarray(gain * gain * np.square(np.minimum(smooth, 1.0)))


class AppliedGains:
    """The square of the gain the limiter applied, summed per tile, as the encoding pass goes."""

    def __init__(self, bounds: np.ndarray) -> None:
        self._bounds = bounds
        self._loss = np.zeros(bounds.size)  # per tile: Σ (1 - gain²)

    def add(self, gains: np.ndarray | None, start: int) -> None:
        """`gains` of samples from `start` on (None: all 1)."""
        if gains is None or gains.size == 0:
            return
        end = start + gains.size
        first = int(np.searchsorted(self._bounds, start, side="right"))  # the tile of sample `start`
        last = int(np.searchsorted(self._bounds, end - 1, side="right"))  # and of the last one
        cuts = np.concatenate([[0], self._bounds[first:last] - start]).astype(np.int64)
        loss = gains * gains
        np.subtract(np.float32(1.0), loss, out=loss)
        sums = np.add.reduceat(loss, cuts, dtype=np.float64)
        keep = min(sums.size, self._bounds.size - first)  # samples after the last boundary are in no block
        self._loss[first : first + keep] += sums[:keep]

    def weights(self, gain: float, sizes: np.ndarray) -> np.ndarray:
        mean_square = 1.0 - self._loss / np.maximum(sizes, 1)
        return np.asarray(gain * gain * mean_square)
