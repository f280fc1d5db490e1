"""The offline neural voice: hibari in a pool of single-threaded processes (one onnxruntime thread each)."""

from __future__ import annotations

import asyncio
import importlib.metadata
import os
from collections.abc import Sequence

from adapters.tts import hibari_library
from adapters.tts.engine_pool import PooledEngine
from application.errors import FieldError, InvalidInput
from application.ports.speech import SpeechClip, SynthesisRequest
from domain.voices import Voice

ENGINE = "hibari"


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class HibariSpeechSynthesizer:
    engine = ENGINE

    def __init__(self, workers: int | None = None, *, items_per_task: int = 8) -> None:
        # started on demand: a render that never speaks English never loads the model
        self._engine: PooledEngine[hibari_library.Item] = PooledEngine(
            ENGINE,
            max(1, workers or os.cpu_count() or 1),
            items_per_task,
            batch_function=hibari_library.synthesize_batch,
            initializer=hibari_library.start_worker,
            failure=hibari_library.HibariError,
            died_twice="the hibari worker process died twice",
        )
        self._voices: list[Voice] | None = None
        # the seed and the thread count are fixed: with them, the same request gives the same bytes
        self._version = (
            f"hibari-tts {_version('hibari-tts')} (onnxruntime {_version('onnxruntime')}, "
            f"1 thread, seed {hibari_library.SEED})"
        )

    @property
    def engine_version(self) -> str:
        return self._version

    def close(self) -> None:
        self._engine.close()

    async def list_voices(self) -> Sequence[Voice]:
        if self._voices is None:
            rate, installed = await asyncio.to_thread(hibari_library.list_voices)
            self._voices = [
                Voice(engine=ENGINE, name=name, language=language, sample_rate=rate, gender=gender, tier="neural")
                for name, language, gender in installed
            ]
        return self._voices

    async def synthesize(self, requests: Sequence[SynthesisRequest]) -> list[SpeechClip]:
        if not requests:
            return []
        names = {voice.name for voice in await self.list_voices()}
        items: list[hibari_library.Item] = []
        for request in requests:
            if request.voice.engine != ENGINE or request.voice.name not in names:
                raise InvalidInput(
                    f"unknown voice {request.voice}", [FieldError("voice", "unknown voice")], code="unknown_voice"
                )
            items.append((request.text, request.voice.name, request.rate, request.sample_rate))
        return await self._engine.synthesize(items)
