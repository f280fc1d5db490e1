"""The gain that ducks a soundtrack under the voice: full level outside speech, `duck_db` during it,
ramped in dB over the attack before each span and the release after it."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np


class DuckingEnvelope:
    def __init__(
        self, spans_ms: Sequence[tuple[int, int]], rate: int, *, duck_db: float, attack_ms: int, release_ms: int
    ) -> None:
        self._starts = [s * rate // 1000 for s, _ in spans_ms]
        self._ends = [e * rate // 1000 for _, e in spans_ms]
        self._attack = max(1, attack_ms * rate // 1000)
        self._release = max(1, release_ms * rate // 1000)
        self._duck_db = duck_db

    def gain(self, first: int, count: int) -> np.ndarray:
        """Linear gains of samples `first` … `first + count - 1`."""
        depth = np.zeros(count, dtype=np.float64)  # 0 = untouched, 1 = fully ducked
        if self._duck_db == 0.0 or not self._starts:
            return np.ones(count, dtype=np.float32)
        t = np.arange(first, first + count, dtype=np.float64)
        # spans whose ramps reach this block: start - attack < block end, end + release > block start
        lo = bisect.bisect_left(self._ends, first - self._release)
        hi = bisect.bisect_right(self._starts, first + count + self._attack)
        for start, end in zip(self._starts[lo:hi], self._ends[lo:hi], strict=True):
            rise = np.clip((t - (start - self._attack)) / self._attack, 0.0, 1.0)
            fall = np.clip(((end + self._release) - t) / self._release, 0.0, 1.0)
            np.maximum(depth, np.minimum(rise, fall), out=depth)
        return np.power(10.0, depth * (self._duck_db / 20.0)).astype(np.float32)
