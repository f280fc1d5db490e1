"""The offline voice: espeak-ng in a pool of processes (the library is not thread-safe)."""

from __future__ import annotations

import asyncio
import importlib.metadata
import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import espeakng_loader
import structlog

from adapters.tts import espeak_library
from application.errors import FieldError, InvalidInput
from application.ports.speech import SpeechClip, SynthesisFailed, SynthesisRequest
from domain.voices import Voice

log = structlog.get_logger(__name__)

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
        self._workers = max(1, workers or os.cpu_count() or 1)
        self._items_per_task = items_per_task
        self._batch_function = batch_function
        self._pool: ProcessPoolExecutor | None = None
        self._voices: list[Voice] | None = None
        self._identifiers: dict[str, str] = {}
        loader = importlib.metadata.version("espeakng-loader")
        self._version = f"espeak-ng {_library_version()} (espeakng-loader {loader})"

    @property
    def engine_version(self) -> str:
        return self._version

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers,
                # forkserver: workers fork from a small clean server (no threads, no CLI or app imports)
                mp_context=multiprocessing.get_context("forkserver"),
                initializer=espeak_library.start_worker,
                initargs=(os.getpid(),),  # a worker exits when this process is gone, however it died
            )
        return self._pool

    def _replace_broken_pool(self, broken: ProcessPoolExecutor) -> None:
        if self._pool is broken:
            broken.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    async def list_voices(self) -> Sequence[Voice]:
        if self._voices is None:
            pool = self._executor()
            loop = asyncio.get_running_loop()
            # one call per worker: every process starts (and loads the library) now, not in the first render
            answers = await asyncio.gather(
                *(loop.run_in_executor(pool, espeak_library.list_voices) for _ in range(self._workers))
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
        size = max(1, min(self._items_per_task, math.ceil(len(items) / self._workers)))
        starts = list(range(0, len(items), size))
        outcomes = await asyncio.gather(*(self._run(items[s : s + size]) for s in starts), return_exceptions=True)
        clips: list[SpeechClip] = []
        for start, outcome in zip(starts, outcomes, strict=True):
            if isinstance(outcome, BrokenProcessPool):
                log.warning("espeak.worker_died", first_request=start, retrying=True)
                outcome = await self._retry_one_by_one(items[start : start + size], start)
            elif isinstance(outcome, espeak_library.EspeakError):
                raise SynthesisFailed(self.engine, start + outcome.index, outcome.message)
            elif isinstance(outcome, BaseException):
                raise outcome
            clips.extend(SpeechClip(pcm=pcm, sample_rate=rate) for pcm, rate in outcome)
        return clips

    async def _run(self, items: list[Item]) -> list[tuple[bytes, int]]:
        pool = self._executor()
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, self._batch_function, items)
        except BrokenProcessPool:
            self._replace_broken_pool(pool)
            raise

    async def _retry_one_by_one(self, items: list[Item], start: int) -> list[tuple[bytes, int]]:
        """The batch's one retry, item by item, so that a second death names its request."""
        clips: list[tuple[bytes, int]] = []
        for offset, item in enumerate(items):
            try:
                clips.extend(await self._run([item]))
            except BrokenProcessPool:
                raise SynthesisFailed(
                    self.engine, start + offset, "the espeak-ng worker process died twice on this text"
                ) from None
            except espeak_library.EspeakError as exc:
                raise SynthesisFailed(self.engine, start + offset, exc.message) from None
        return clips
