"""Integrated loudness (ITU-R BS.1770-4 / EBU R128) measured chunk by chunk.

pyloudnorm measures a whole signal held in memory; a feature-length mix must not be. This meter
runs pyloudnorm's own K-weighting filters with carried state over each chunk, keeps only the
running energy at the 400 ms gating-block boundaries, and applies pyloudnorm's gating to those
block energies. A test checks it against `pyloudnorm.Meter.integrated_loudness`.

Digital silence needs care: after a sound, an IIR filter's values decay towards zero through
subnormal floats, and on many x86 CPUs every operation on a subnormal costs ~100 times a normal
one (measured here: a 91-minute mix took 24 s to measure instead of under 1 s). A tone at the
Nyquist frequency, 400 dB below full scale, is added to what is filtered so that no value gets
that small, and silence through a settled filter is not filtered at all.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

BLOCK_S = 0.4
STEP = 0.25  # 75 % overlap
ABSOLUTE_GATE = -70.0
PIECE_SAMPLES = 32768
# far below anything measurable (the absolute gate is -70 LUFS, an energy of ~1e-7) and far above
# the subnormal range (< 2.2e-308)
ANTI_SUBNORMAL = 1e-20
SETTLED_STATE = 1e-15  # silence into a filter whose state is this small comes out as silence
_NYQUIST_TONE = ANTI_SUBNORMAL * np.resize([1.0, -1.0], PIECE_SAMPLES)


def k_filter(sos: np.ndarray, chunk: np.ndarray, state: np.ndarray, sosfilt: Any) -> tuple[np.ndarray, np.ndarray]:
    """The K-weighting cascade over one piece (at most PIECE_SAMPLES), kept out of subnormal floats."""
    return cast(tuple[np.ndarray, np.ndarray], sosfilt(sos, chunk + _NYQUIST_TONE[: chunk.size], zi=state))


class StreamingLoudnessMeter:
    def __init__(self, sample_rate: int, total_samples: int, tiles_per_step: int = 1) -> None:
        """`tiles_per_step` > 1 also keeps the energy and sample peak of that many tiles per 100 ms step,
        so that the loudness of the signal under a slowly moving gain can be told without filtering it
        again (`integrated_lufs(weights)`)."""
        # imported here: scipy takes seconds to import and only a render needs it
        import pyloudnorm
        from scipy.signal import sosfilt, sosfilt_zi

        self._sosfilt = sosfilt
        self._rate = sample_rate
        meter = pyloudnorm.Meter(sample_rate)  # K-weighting
        # the two biquads of the K-weighting in one second-order-sections cascade, one pass per chunk
        stages = list(meter._filters.values())
        self._sos = np.array([np.concatenate([f.b, f.a]) for f in stages], dtype=np.float64)
        self._gain = float(np.prod([f.passband_gain for f in stages]))
        self._state = sosfilt_zi(self._sos) * 0.0
        duration = total_samples / sample_rate
        blocks = int(np.round((duration - BLOCK_S) / (BLOCK_S * STEP))) + 1 if duration >= BLOCK_S else 0
        j = np.arange(blocks)
        self._lower = (BLOCK_S * (j * STEP) * sample_rate).astype(np.int64)
        self._upper = np.minimum((BLOCK_S * (j * STEP + 1) * sample_rate).astype(np.int64), total_samples)
        self._bounds = _tiled(np.unique(np.concatenate([self._lower, self._upper, [0]])), tiles_per_step)
        self._energy_at = np.zeros(self._bounds.size, dtype=np.float64)  # running energy at each boundary
        self.tile_peaks = np.zeros(self._bounds.size, dtype=np.float32)  # sample peak of each tile
        self._next_bound = 1  # bounds[0] == 0, whose energy is 0
        self._seen = 0
        self._energy = 0.0
        self._peak = 0.0

    def add(self, chunk: np.ndarray) -> None:
        # small pieces keep the filter's temporaries in the CPU cache (measured ~7x faster than 10 s at once)
        for begin in range(0, chunk.size, PIECE_SAMPLES):
            self._add(chunk[begin : begin + PIECE_SAMPLES])

    def _add(self, chunk: np.ndarray) -> None:
        magnitude = np.abs(chunk)
        self._peak = max(self._peak, float(np.max(magnitude)))
        if chunk.any() or np.max(np.abs(self._state)) >= SETTLED_STATE:
            # float32 in: adding the (float64) tone widens it, exactly, with no copy of its own
            filtered, self._state = k_filter(self._sos, chunk, self._state, self._sosfilt)
            filtered *= self._gain
            power = np.square(filtered, out=filtered)
        else:  # silence into a settled filter: silence out
            self._state = np.zeros_like(self._state)
            power = np.zeros(chunk.size, dtype=np.float64)
        start, end = self._seen, self._seen + chunk.size
        first = self._next_bound
        last = int(np.searchsorted(self._bounds, end, side="right"))
        if last > first:
            # energy between consecutive boundaries (all > start, strictly increasing) onto the running total
            cuts = np.concatenate([[0], self._bounds[first:last] - start])
            segments = np.add.reduceat(power[: cuts[-1]], cuts[:-1])
            self._energy_at[first:last] = self._energy + np.cumsum(segments)
            peaks = np.maximum.reduceat(magnitude[: cuts[-1]], cuts[:-1])
            np.maximum(self.tile_peaks[first:last], peaks, out=self.tile_peaks[first:last])
        tail_from = int(self._bounds[last - 1] - start) if last > first else 0  # into the tile ending later
        if last < self._bounds.size and tail_from < chunk.size:
            self.tile_peaks[last] = max(self.tile_peaks[last], float(magnitude[tail_from:].max()))
        self._energy += float(np.sum(power))
        self._seen, self._next_bound = end, last

    @property
    def peak_dbfs(self) -> float | None:
        return 20 * float(np.log10(self._peak)) if self._peak > 0 else None

    @property
    def tile_sizes(self) -> np.ndarray:
        """Samples in each tile (tile i ends at boundary i; tile 0 is empty)."""
        return np.diff(self._bounds, prepend=0)

    @property
    def tile_bounds(self) -> np.ndarray:
        return self._bounds

    def block_energies(self, weights: np.ndarray | None = None) -> np.ndarray:
        """Mean square of each 400 ms gating block (K-weighted), each tile's energy times its weight."""
        running = self._energy_at
        if weights is not None:
            running = np.cumsum(np.diff(running, prepend=0.0) * weights)
        energy_at = running[np.searchsorted(self._bounds, self._upper)]
        energy_at_start = running[np.searchsorted(self._bounds, self._lower)]
        # rounding can leave silence a hair below 0
        return np.asarray(np.maximum(energy_at - energy_at_start, 0.0) / (BLOCK_S * self._rate))

    def integrated_lufs(self, weights: np.ndarray | None = None) -> float | None:
        """The integrated loudness; with `weights`, that of the signal whose tile energies are scaled by them."""
        if self._lower.size == 0:
            return None
        return gated_loudness(self.block_energies(weights))


def _tiled(bounds: np.ndarray, tiles: int) -> np.ndarray:
    """The boundaries with each interval between them cut into `tiles` near-equal tiles."""
    if tiles <= 1 or bounds.size < 2:
        return bounds
    widths = np.diff(bounds)
    cut = (bounds[:-1, None] + widths[:, None] * np.arange(tiles)[None, :] // tiles).ravel()  # sorted
    cut = np.concatenate([cut, bounds[-1:]])
    return np.asarray(cut[np.concatenate([[True], np.diff(cut) > 0])])  # intervals shorter than `tiles` repeat points


def channels_lufs(meters: list[StreamingLoudnessMeter]) -> float | None:
    """Integrated loudness of a multichannel signal, one meter per front channel (weights 1)."""
    if not meters or meters[0]._lower.size == 0:
        return None
    return gated_loudness(np.sum([meter.block_energies() for meter in meters], axis=0))


def gated_loudness(z: np.ndarray) -> float | None:
    """BS.1770 gating over block energies: the absolute gate, then the relative one."""
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10.0 * np.log10(z)
    gated = z[loudness >= ABSOLUTE_GATE]
    if gated.size == 0:
        return None
    relative = -0.691 + 10.0 * np.log10(np.mean(gated)) - 10.0
    kept = z[(loudness > relative) & (loudness > ABSOLUTE_GATE)]
    if kept.size == 0:
        return None
    return float(-0.691 + 10.0 * np.log10(np.mean(kept)))
