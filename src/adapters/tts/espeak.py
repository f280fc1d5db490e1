"""The offline voice: espeak-ng in a pool of processes (the library is not thread-safe)."""

from __future__ import annotations

import asyncio
import importlib.metadata
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import espeakng_loader

from adapters.tts import espeak_library
from adapters.tts.engine_pool import PooledEngine
from application.errors import FieldError, InvalidInput
from application.ports.speech import SpeechClip, SynthesisRequest
from domain.voices import Voice

Item = tuple[str, str, float, int | None]
BatchFunction = Callable[[list[Item]], list[tuple[bytes, int]]]


def _library_version() -> str:
    # libespeak-ng.so → libespeak-ng.so.1.52.0: the version is in the real file's name
    real = Path(espeakng_loader.get_library_path()).resolve().name
    return real.removeprefix("libespeak-ng.so.") or "unknown"


class EspeakSpeechSynthesizer:
    engine = "espeak"

    def __init__(
        self,
        workers: int | None = None,
        *,
        items_per_task: int = 16,
        batch_function: BatchFunction = espeak_library.synthesize_batch,
    ) -> None:
        self._engine: PooledEngine[Item] = PooledEngine(
            self.engine,
            max(1, workers or os.cpu_count() or 1),
            items_per_task,
            batch_function=batch_function,
            initializer=espeak_library.start_worker,
            initargs=(os.getpid(),),  # a worker exits when this process is gone, however it died
            failure=espeak_library.EspeakError,
            died_twice="the espeak-ng worker process died twice on this text",
        )
        self._voices: list[Voice] | None = None
        self._identifiers: dict[str, str] = {}
        loader = importlib.metadata.version("espeakng-loader")
        self._version = f"espeak-ng {_library_version()} (espeakng-loader {loader})"

    @property
    def engine_version(self) -> str:
        return self._version

    def close(self) -> None:
        self._engine.close()

    async def list_voices(self) -> Sequence[Voice]:
        if self._voices is None:
            pool = self._engine.executor()
            loop = asyncio.get_running_loop()
            # one call per worker: every process starts (and loads the library) now, not in the first render
            answers = await asyncio.gather(
                *(loop.run_in_executor(pool, espeak_library.list_voices) for _ in range(self._engine.workers))
            )
            sample_rate, listed = answers[0]
            voices: dict[str, Voice] = {}
            for language, identifier, gender in listed:
                if language not in voices:  # a few language codes have two voices: keep the first
                    voices[language] = Voice(
                        engine=self.engine,
                        name=language,
                        language=language,
                        sample_rate=sample_rate,
                        gender=gender,
                        tier="formant",
                    )
                    self._identifiers[language] = identifier
            self._voices = sorted(voices.values(), key=lambda voice: voice.name)
        return self._voices

    async def synthesize(self, requests: Sequence[SynthesisRequest]) -> list[SpeechClip]:
        if not requests:
            return []
        await self.list_voices()
        items: list[Item] = []
        for request in requests:
            identifier = self._identifiers.get(request.voice.name)
            if request.voice.engine != self.engine or identifier is None:
                raise InvalidInput(
                    f"unknown voice {request.voice}", [FieldError("voice", "unknown voice")], code="unknown_voice"
                )
            items.append((request.text, identifier, request.rate, request.sample_rate))
        return await self._engine.synthesize(items)
