"""The true-peak limiter and meter on made signals, checked with scipy's own 4× resampler."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import butter, resample_poly, sosfilt

from adapters.audio.limiter import TruePeakLimiter
from adapters.audio.mixer import LIMITER_CEILING_DBTP  # -1.1: a margin for other meters' interpolators
from adapters.audio.true_peak import true_peak

RATE = 24000


def _db(value: float) -> float:
    return 20 * float(np.log10(value))


def _limited(
    signal: np.ndarray, chunk: int, ceiling: float = LIMITER_CEILING_DBTP
) -> tuple[np.ndarray, TruePeakLimiter]:
    limiter = TruePeakLimiter(RATE, ceiling)
    pieces = [limiter.process(signal[i : i + chunk]) for i in range(0, signal.size, chunk)]
    return np.concatenate([*pieces, limiter.flush()]), limiter


def _bursty(seed: int = 3) -> np.ndarray:
    """Noise band-limited like real audio (white noise up to the Nyquist frequency has no agreed true
    peak: interpolators disagree on it by tenths of a dB), with loud bursts."""
    rng = np.random.default_rng(seed)
    lowpass = butter(8, 10_000, fs=RATE, output="sos")
    signal = (sosfilt(lowpass, rng.standard_normal(RATE * 12)) * 0.08).astype(np.float32)
    for start in rng.integers(0, signal.size - 2000, 25):
        signal[start : start + 600] *= rng.uniform(4, 14)  # bursts far over the ceiling
    return signal


@pytest.mark.parametrize("chunk", [RATE * 10, 4801, 333])
def test_output_keeps_length_and_timing_and_stays_under_the_ceiling(chunk: int) -> None:
    signal = _bursty()
    out, limiter = _limited(signal, chunk)
    assert out.size == signal.size
    assert _db(np.abs(resample_poly(out, 4, 1)).max()) <= -1.0
    assert limiter.limited_samples > 0 and limiter.deepest_db < -10
    quiet = np.abs(signal) < 0.2
    # away from the bursts the signal passes untouched, sample for sample (no delay)
    untouched = np.isclose(out, signal, atol=1e-6)
    assert untouched[quiet].mean() > 0.8


def test_chunking_does_not_change_a_single_sample() -> None:
    signal = _bursty(5)
    whole, _ = _limited(signal, signal.size)
    assert np.array_equal(_limited(signal, 4801)[0], whole)


def test_a_signal_under_the_ceiling_passes_bit_for_bit() -> None:
    signal = (np.sin(np.linspace(0, 400 * np.pi, RATE * 3)) * 0.8).astype(np.float32)
    out, limiter = _limited(signal, 5000)
    assert np.array_equal(out, signal)
    assert limiter.limited_samples == 0


def test_inter_sample_peaks_are_caught_where_the_samples_stay_under_the_ceiling() -> None:
    # a quarter-rate tone at 45°: every sample at 0.707 of its amplitude, the waveform peaks between them
    t = np.arange(RATE * 2)
    tone = (0.98 * np.sin(np.pi / 2 * t + np.pi / 4)).astype(np.float32)
    assert _db(np.abs(tone).max()) < -1.0 < _db(true_peak(tone))
    out, limiter = _limited(tone, 7000)
    assert limiter.limited_samples > 0
    assert _db(np.abs(resample_poly(out, 4, 1)[400:-400]).max()) <= -1.0


def test_the_limiter_meters_the_true_peak_of_its_output() -> None:
    signal = _bursty(7)
    signal *= np.float32(0.8 / np.abs(signal).max())  # under the ceiling: passed as it is, and read
    out, limiter = _limited(signal, 3001)
    assert np.array_equal(out, signal)
    assert limiter.peak == pytest.approx(true_peak(signal), rel=1e-6)
    assert _db(limiter.peak) == pytest.approx(_db(np.abs(resample_poly(signal, 8, 1)).max()), abs=0.1)
    limited, loud = _limited(_bursty(7), 3001)  # limited: what it lets out, read on the output
    assert _db(loud.peak) == pytest.approx(_db(np.abs(resample_poly(limited, 4, 1)).max()), abs=0.05)
