"""The loudness after the gain and the limiter, told per tile from the measuring pass, against
pyloudnorm reading the limiter's real output."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest
from scipy.signal import butter, sosfilt

from adapters.audio.limited_loudness import AppliedGains, predicted_weights
from adapters.audio.limiter import TruePeakLimiter
from adapters.audio.loudness import StreamingLoudnessMeter
from adapters.audio.mixer import LIMITER_CEILING_DBTP, TILES_PER_STEP

RATE = 24000


def _speechlike(seed: int = 11) -> np.ndarray:
    """Band-limited noise in syllables of varying level, with pauses."""
    rng = np.random.default_rng(seed)
    signal = sosfilt(butter(6, [120, 6000], btype="band", fs=RATE, output="sos"), rng.standard_normal(RATE * 40))
    envelope = np.repeat(rng.uniform(0.0, 1.0, 40 * 8) ** 2, RATE // 8)
    return (signal * envelope * 0.15).astype(np.float32)


def _measured(signal: np.ndarray) -> StreamingLoudnessMeter:
    meter = StreamingLoudnessMeter(RATE, signal.size, tiles_per_step=TILES_PER_STEP)
    for begin in range(0, signal.size, RATE * 10):
        meter.add(signal[begin : begin + RATE * 10])
    return meter


def test_tiles_keep_the_integrated_loudness_and_scale_with_the_gain() -> None:
    signal = _speechlike()
    meter = _measured(signal)
    plain = StreamingLoudnessMeter(RATE, signal.size)
    plain.add(signal)
    assert meter.integrated_lufs() == pytest.approx(plain.integrated_lufs(), abs=1e-9)
    doubled = meter.integrated_lufs(np.full(meter.tile_sizes.size, 4.0))
    assert doubled == pytest.approx(meter.integrated_lufs() + 20 * np.log10(2), abs=1e-9)
    assert meter.tile_peaks.max() == pytest.approx(np.abs(signal).max())


@pytest.mark.parametrize("gain_db", [6.0, 12.0])
def test_the_loudness_through_the_limiter_is_told_from_the_tiles(gain_db: float) -> None:
    signal = _speechlike()
    meter = _measured(signal)
    gain = 10 ** (gain_db / 20)
    limiter = TruePeakLimiter(RATE, LIMITER_CEILING_DBTP)
    applied = AppliedGains(meter.tile_bounds)
    pieces, emitted = [], 0
    for begin in range(0, signal.size, 7001):
        pieces.append(limiter.process(signal[begin : begin + 7001] * np.float32(gain)))
        applied.add(limiter.gains, emitted)
        emitted += pieces[-1].size
    pieces.append(limiter.flush())
    applied.add(limiter.gains, emitted)
    out = np.concatenate(pieces)
    assert limiter.limited_samples > 0
    real = pyloudnorm.Meter(RATE).integrated_loudness(out.astype(np.float64))
    after = meter.integrated_lufs(applied.weights(gain, meter.tile_sizes))
    assert after == pytest.approx(real, abs=0.05)
    ceiling = 10 ** (LIMITER_CEILING_DBTP / 20)
    predicted = meter.integrated_lufs(predicted_weights(meter.tile_peaks, meter.tile_sizes, gain, ceiling, RATE))
    assert predicted == pytest.approx(real, abs=0.3)
