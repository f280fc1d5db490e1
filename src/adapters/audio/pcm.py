"""int16 PCM ⇄ float samples and soxr resampling (light imports: the engine's worker processes use it)."""

from __future__ import annotations

import numpy as np
import soxr


def pcm_to_float(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def float_to_pcm(samples: np.ndarray) -> bytes:
    return np.clip(np.round(samples * 32768.0), -32768, 32767).astype("<i2").tobytes()


def resample_pcm(pcm: bytes, from_rate: int, to_rate: int) -> bytes:
    if from_rate == to_rate or not pcm:
        return pcm
    return float_to_pcm(soxr.resample(pcm_to_float(pcm), from_rate, to_rate, quality="HQ"))
