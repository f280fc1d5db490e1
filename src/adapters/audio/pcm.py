"""int16 PCM ⇄ float samples and soxr resampling (light imports: the engine's worker processes use it)."""

from __future__ import annotations

import threading

import numpy as np
import soxr


def pcm_to_float(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def float_to_pcm(samples: np.ndarray) -> bytes:
    return np.clip(np.round(samples * 32768.0), -32768, 32767).astype("<i2").tobytes()


_local = threading.local()  # a resampler is stateful: one per thread and rate pair


def resample_pcm(pcm: bytes, from_rate: int, to_rate: int) -> bytes:
    """HQ soxr; one resampler per rate pair is kept and cleared between clips (its filter is designed
    once: ~35 % faster on short clips than `soxr.resample`, same samples)."""
    if from_rate == to_rate or not pcm:
        return pcm
    resamplers: dict[tuple[int, int], soxr.ResampleStream] = _local.__dict__.setdefault("resamplers", {})
    stream = resamplers.get((from_rate, to_rate))
    if stream is None:
        stream = resamplers[(from_rate, to_rate)] = soxr.ResampleStream(from_rate, to_rate, 1, "float32", "HQ")
    try:
        return float_to_pcm(stream.resample_chunk(pcm_to_float(pcm), last=True))
    finally:
        stream.clear()
