"""Clip preparation with numpy: soxr resampling, silence trimming, WSOLA time-stretch (audiotsm), cut and fade."""

from __future__ import annotations

import numpy as np
from audiotsm import wsola
from audiotsm.io.array import ArrayReader, ArrayWriter

from adapters.audio.pcm import float_to_pcm, pcm_to_float, resample_pcm, trim_silence
from application.ports.speech import SpeechClip

WSOLA_PAD = 2048


class NumpyClipProcessor:
    def prepare(self, clip: SpeechClip, sample_rate: int) -> bytes:
        return trim_silence(resample_pcm(clip.pcm, clip.sample_rate, sample_rate))

    def shape(self, pcm: bytes, sample_rate: int, *, stretch: float, keep_samples: int | None, fade_ms: int) -> bytes:
        samples = pcm_to_float(pcm)
        if stretch != 1.0 and samples.size:
            # WSOLA fades its first frames in and drops the last one: pad both ends, trim afterwards
            padded = np.concatenate([np.zeros(WSOLA_PAD, np.float32), samples, np.zeros(WSOLA_PAD, np.float32)])
            writer = ArrayWriter(channels=1)
            wsola(channels=1, speed=stretch).run(ArrayReader(padded.reshape(1, -1)), writer)
            samples = pcm_to_float(trim_silence(float_to_pcm(writer.data[0])))
        if keep_samples is not None and keep_samples < samples.size:
            samples = samples[:keep_samples].copy()
            fade = min(samples.size, sample_rate * fade_ms // 1000)
            if fade:
                samples[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
        return float_to_pcm(samples)
