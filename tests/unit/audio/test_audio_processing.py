"""The numpy side: trimming, stretching, cutting, and the streaming loudness meter against pyloudnorm."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest

from adapters.audio.clips import NumpyClipProcessor, trim_silence
from adapters.audio.loudness import PIECE_SAMPLES, StreamingLoudnessMeter, k_filter
from application.ports.speech import SpeechClip


def _tone(seconds: float, rate: int, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * 300 * t)).astype(np.float32) + np.float32(0.01)


def _pcm(samples: np.ndarray) -> bytes:
    return np.round(samples * 32767).astype("<i2").tobytes()


def test_prepare_resamples_and_trims_edge_silence() -> None:
    silence = np.zeros(1600, dtype=np.float32)
    clip = SpeechClip(pcm=_pcm(np.concatenate([silence, _tone(1.0, 16000), silence])), sample_rate=16000)
    prepared = np.frombuffer(NumpyClipProcessor().prepare(clip, 24000), dtype="<i2")
    assert abs(prepared.size - 24000) <= 24  # 1 s of tone at 24 kHz, padding gone
    assert abs(int(prepared[0])) > 30
    assert abs(int(prepared[-1])) > 30


def test_trimming_pure_silence_leaves_nothing() -> None:
    assert trim_silence(bytes(4000)) == b""


def test_shape_stretches_faster_and_cuts_with_a_fade() -> None:
    processor = NumpyClipProcessor()
    pcm = _pcm(_tone(2.0, 24000))
    faster = processor.shape(pcm, 24000, stretch=1.25, keep_samples=None, fade_ms=30)
    assert len(faster) // 2 == pytest.approx(48000 / 1.25, rel=0.02)
    cut = np.frombuffer(processor.shape(pcm, 24000, stretch=1.0, keep_samples=12000, fade_ms=30), dtype="<i2")
    assert cut.size == 12000
    assert abs(int(cut[-1])) < 50  # faded out, no click
    assert np.max(np.abs(cut[:10000])) > 9000


@pytest.mark.parametrize(("rate", "seconds", "piece"), [(24000, 7.3, 5000), (44100, 3.0, 44100), (11025, 5.1, 777)])
def test_streaming_meter_matches_pyloudnorm(rate: int, seconds: float, piece: int) -> None:
    rng = np.random.default_rng(rate)
    n = round(seconds * rate)
    envelope = np.repeat(rng.uniform(0, 1, n // 1000 + 1), 1000)[:n]
    signal = (rng.normal(0, 0.1, n) * envelope).astype(np.float32)
    signal[n // 3 : n // 2] = 0.0  # digital silence inside
    meter = StreamingLoudnessMeter(rate, n)
    for begin in range(0, n, piece):
        meter.add(signal[begin : begin + piece])
    expected = pyloudnorm.Meter(rate).integrated_loudness(signal.astype(np.float64))
    assert meter.integrated_lufs() == pytest.approx(expected, abs=1e-6)
    assert meter.peak_dbfs == pytest.approx(20 * np.log10(np.max(np.abs(signal))), abs=1e-4)


def test_k_weighting_stays_out_of_subnormal_floats_after_a_sound() -> None:
    # subnormal floats make each filter step ~100x slower on x86; the first stage (pole 0.73) would
    # reach them ~2 300 samples into the silence after a sound
    from scipy.signal import sosfilt

    rate = 24000
    meter = StreamingLoudnessMeter(rate, rate)
    piece = np.zeros(PIECE_SAMPLES)
    piece[:500] = _tone(500 / rate, rate)
    tiny = np.finfo(np.float64).tiny
    for stage in range(meter._sos.shape[0]):  # each stage's output is the next stage's input
        sos = meter._sos[: stage + 1]
        bare, _ = sosfilt(sos, piece, zi=np.zeros((stage + 1, 2)))
        assert np.any((bare != 0) & (np.abs(bare) < tiny)) == (stage == 0)  # the hazard is real
        filtered, state = k_filter(sos, piece, np.zeros((stage + 1, 2)), sosfilt)
        values = np.concatenate([filtered, state.ravel()])
        assert not np.any(np.abs(values) < tiny)


def test_meter_skips_silence_once_the_filter_has_settled() -> None:
    rate = 24000
    speech_then_silence = np.zeros(rate * 30, dtype=np.float32)
    speech_then_silence[:rate] = _tone(1.0, rate)
    meter = StreamingLoudnessMeter(rate, speech_then_silence.size)
    for begin in range(0, speech_then_silence.size, rate):
        meter.add(speech_then_silence[begin : begin + rate])
    assert not meter._state.any()  # settled: the rest of the silence was not filtered
    expected = pyloudnorm.Meter(rate).integrated_loudness(speech_then_silence.astype(np.float64))
    assert meter.integrated_lufs() == pytest.approx(expected, abs=1e-6)


def test_meter_reports_silence_as_unmeasurable() -> None:
    meter = StreamingLoudnessMeter(24000, 48000)
    meter.add(np.zeros(48000, dtype=np.float32))
    assert meter.integrated_lufs() is None
    assert meter.peak_dbfs is None


def test_resampling_from_many_threads_at_once_gives_the_same_samples() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from adapters.audio.pcm import resample_pcm

    pcm = _pcm(_tone(0.5, 16000))
    expected = resample_pcm(pcm, 16000, 24000)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: resample_pcm(pcm, 16000, 24000), range(200)))
    assert all(result == expected for result in results)
