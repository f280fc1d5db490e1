"""hibari (a small ONNX neural voice, weights in its wheel) inside one process of the engine's pool.

Each process loads its models once with a single onnxruntime thread: the pool, sized to the cores,
gives the parallelism, and a fixed thread count and seed make the same text give the same bytes.
"""

from __future__ import annotations

import signal
from typing import Any

import numpy as np

from adapters.audio.pcm import edge_trimmed, float_to_pcm, resample_pcm

SEED = 0
MIN_SPEED, MAX_SPEED = 0.5, 2.0  # the model's speed range

Item = tuple[str, str, float, int | None]


class HibariError(Exception):
    """Request `index` of the batch failed inside the engine."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(index, message)
        self.index = index
        self.message = message


_engines: dict[str, Any] = {}


def start_worker() -> None:
    """Process-pool initializer: Ctrl-C is the parent's to handle; load the bundled voice once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _engine(installed_voices()[0][0])


def installed_voices() -> list[tuple[str, str, str | None]]:
    """(name, language, gender) of every voice whose model is on this machine: nothing is downloaded."""
    from hibari.voices import VOICES, voice_path

    found: list[tuple[str, str, str | None]] = []
    for name, meta in VOICES.items():
        try:
            voice_path(name, download_missing=False)
        except FileNotFoundError:
            continue
        found.append((name, str(meta["language"]), meta.get("gender")))
    return found


def _engine(voice: str) -> Any:
    engine = _engines.get(voice)
    if engine is None:
        from hibari import Hibari
        from hibari.voices import voice_path

        engine = _engines[voice] = Hibari(voice=voice, model=voice_path(voice, download_missing=False), threads=1)
    return engine


def list_voices() -> tuple[int, list[tuple[str, str, str | None]]]:
    from hibari import SAMPLE_RATE

    return SAMPLE_RATE, installed_voices()


def synthesize_batch(items: list[Item]) -> list[tuple[bytes, int]]:
    """(text, voice, rate, wanted sample rate) → (int16 PCM, sample rate), in order; edge silence trimmed."""
    clips: list[tuple[bytes, int]] = []
    for index, (text, voice, rate, wanted_rate) in enumerate(items):
        try:
            engine = _engine(voice)
            speed = min(MAX_SPEED, max(MIN_SPEED, rate))
            audio = engine(text, speed=speed, seed=SEED)
        except (ValueError, KeyError, RuntimeError, FileNotFoundError) as exc:
            raise HibariError(index, f"hibari could not speak this text: {exc}") from None
        pcm = float_to_pcm(np.asarray(audio, dtype=np.float32))
        trimmed = edge_trimmed(pcm)
        rate_out = int(engine.sample_rate)
        if wanted_rate and wanted_rate != rate_out:
            clips.append((resample_pcm(trimmed, rate_out, wanted_rate), wanted_rate))
        else:
            clips.append((trimmed.tobytes(), rate_out))
    return clips
