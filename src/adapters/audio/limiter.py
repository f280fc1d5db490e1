"""A true-peak look-ahead limiter that also meters the true peak of what it lets out.

Two stages of gain curves (see `true_peak.GainCurve`): the first from the true peaks of the input;
where it turns the gain down fast, the gain's own movement shapes the waveform and can leave a peak a
little over the ceiling between samples, so the second reads the first one's output (only near where
the first one worked: elsewhere that output is the input, already under the ceiling) and takes those
small, slow-moving remainders away. Streaming: each call gives out the samples whose gain no later
input can change, so the output has the input's length and timing and does not depend on how the
input was cut into chunks.
"""

from __future__ import annotations

import numpy as np

from adapters.audio.true_peak import HOT_MARGIN, REACH, GainCurve, candidates, peaks_at


class TruePeakLimiter:
    def __init__(self, sample_rate: int, ceiling_dbtp: float = -1.0) -> None:
        self.ceiling = float(10 ** (ceiling_dbtp / 20))
        self._first = GainCurve(ramp=round(sample_rate * 0.010), hold=round(sample_rate * 0.040))
        self._second = GainCurve(ramp=round(sample_rate * 0.005), hold=round(sample_rate * 0.020))
        # context: the second stage reads the first one's output around what it gives out (demands and
        # interpolator windows), and the first one's demands are read only REACH inside the buffer
        self._ahead = self._first.ahead + self._second.ahead + 4 * REACH + 16
        self._behind = self._first.behind + self._second.behind + 4 * REACH + 16
        self._buffer = np.zeros(self._behind, dtype=np.float32)  # silence before the stream: context
        self._base = -self._behind  # stream index of the buffer's first sample
        self._emitted = 0
        self.limited_samples = 0  # samples the limiter turned down
        self.deepest_db = 0.0  # its largest reduction
        self.peak = 0.0  # true peak of the output read over half the ceiling (0: nothing that loud)
        self.gains: np.ndarray | None = None  # the gain of each sample last given out (None: all 1)

    def process(self, chunk: np.ndarray) -> np.ndarray:
        self._buffer = np.concatenate([self._buffer, chunk.astype(np.float32, copy=False)])
        return self._emit(self._base + self._buffer.size - self._ahead)

    def flush(self) -> np.ndarray:
        end = self._base + self._buffer.size
        self._buffer = np.concatenate([self._buffer, np.zeros(self._ahead + REACH + 1, dtype=np.float32)])
        return self._emit(end)

    def _emit(self, end: int) -> np.ndarray:
        start, x, base = self._emitted, self._buffer, self._base
        if end <= start:
            self.gains = None
            return np.zeros(0, dtype=np.float32)
        threshold = self.ceiling * HOT_MARGIN
        found = candidates(x, threshold, 0, x.size)
        peaks = peaks_at(x, found)
        out, gains = self._limited(found + base, peaks, start, end)
        if gains is None:
            inside = (found + base >= start) & (found + base < end)
            self.peak = max(self.peak, float(peaks[inside].max(initial=0.0)))
        self.gains = gains
        self._emitted = end
        keep_from = max(0, end - self._behind - base)
        self._buffer, self._base = x[keep_from:], base + keep_from
        return out

    def _limited(
        self, positions: np.ndarray, peaks: np.ndarray, start: int, end: int
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Samples [start, end) through both stages, and their gains (None: all 1)."""
        x, base, ceiling = self._buffer, self._base, self.ceiling
        over = peaks > ceiling
        # the first stage's output is needed where the second stage's demands and windows reach
        lo = max(base, start - self._second.behind - 2 * REACH - 4)
        hi = min(base + x.size, end + self._second.ahead + 2 * REACH + 4)
        first = self._first.over(positions[over], ceiling / peaks[over], lo, hi)
        if first is None:
            return x[start - base : end - base].copy(), None
        staged = x[lo - base : hi - base] * first
        turned = first < 1.0
        head, tail = int(np.argmax(turned)), turned.size - int(np.argmax(turned[::-1]))
        around = candidates(staged, ceiling * HOT_MARGIN, head - REACH - 1, tail + REACH + 1)
        remainders = peaks_at(staged, around)
        still = remainders > ceiling
        # the output a little beyond [start, end): its true peak reads REACH samples on each side
        wide_lo, wide_hi = start - REACH - 2, end + REACH + 2
        second = self._second.over(around[still] + lo, ceiling / remainders[still], wide_lo, wide_hi)
        wide = staged[wide_lo - lo : wide_hi - lo]
        gains = first[wide_lo - lo : wide_hi - lo]
        # the crests the second stage read are the output's where it changed nothing
        crests = (around - (wide_lo - lo), remainders) if second is None else None
        if second is not None:
            wide = wide * second
            gains = gains * second
        self._meter(positions, peaks, wide, gains, wide_lo, crests)
        inner = slice(start - wide_lo, end - wide_lo)
        turned = gains[inner] < 0.9999
        if turned.any():
            self.limited_samples += int(turned.sum())
            self.deepest_db = min(self.deepest_db, 20 * float(np.log10(gains[inner].min())))
        return wide[inner].copy(), gains[inner].copy()

    def _meter(
        self,
        positions: np.ndarray,
        peaks: np.ndarray,
        wide: np.ndarray,
        gains: np.ndarray,
        wide_lo: int,
        crests: tuple[np.ndarray, np.ndarray] | None,
    ) -> None:
        """The output's true peak over `wide` less REACH + 2 samples at each end (the samples given out):
        where no gain change is within reach it is the input's, already read; elsewhere it is read again
        (or taken from `crests`, the output's crests and their peaks already read there)."""
        changed = np.flatnonzero(gains < 1.0)

        def near(at: np.ndarray) -> np.ndarray:
            """Is a changed sample within REACH + 1 of each index?"""
            if changed.size == 0:
                return np.zeros(at.size, dtype=bool)
            following = np.minimum(np.searchsorted(changed, at - REACH - 1), changed.size - 1)
            return np.asarray(np.abs(changed[following] - at) <= REACH + 1)

        start, end = REACH + 2, wide.size - REACH - 2
        if crests is None:
            lo, hi = (int(changed[0]) - REACH - 1, int(changed[-1]) + REACH + 2) if changed.size else (0, 0)
            read = candidates(wide, self.ceiling * HOT_MARGIN, max(start, lo), min(end, hi))
            read_peaks = peaks_at(wide, read[near(read)])
        else:
            at, values = crests
            keep = (at >= start) & (at < end)
            keep[keep] = near(at[keep])
            read_peaks = values[keep]
        if read_peaks.size:
            self.peak = max(self.peak, float(read_peaks.max()))
        local = positions - wide_lo
        inside = np.flatnonzero((local >= start) & (local < end))
        kept = inside[~near(local[inside])]
        if kept.size:
            self.peak = max(self.peak, float(peaks[kept].max()))
