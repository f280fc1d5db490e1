"""The offline neural voice: hibari in a pool of single-threaded processes (one onnxruntime thread each)."""

from __future__ import annotations

import asyncio
import importlib.metadata
import math
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import structlog

from adapters.tts import hibari_library
from application.errors import FieldError, InvalidInput
from application.ports.speech import SpeechClip, SynthesisFailed, SynthesisRequest
from domain.voices import Voice

log = structlog.get_logger(__name__)

ENGINE = "hibari"


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class HibariSpeechSynthesizer:
    engine = ENGINE

    def __init__(self, workers: int | None = None, *, items_per_task: int = 8) -> None:
        self._workers = max(1, workers or os.cpu_count() or 1)
        self._items_per_task = items_per_task
        self._pool: ProcessPoolExecutor | None = None
        self._voices: list[Voice] | None = None
        # the seed and the thread count are fixed: with them, the same request gives the same bytes
        self._version = (
            f"hibari-tts {_version('hibari-tts')} (onnxruntime {_version('onnxruntime')}, "
            f"1 thread, seed {hibari_library.SEED})"
        )

    @property
    def engine_version(self) -> str:
        return self._version

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:  # started on demand: a render that never speaks English never loads the model
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=multiprocessing.get_context("forkserver"),
                initializer=hibari_library.start_worker,
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

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
        size = max(1, min(self._items_per_task, math.ceil(len(items) / self._workers)))
        starts = list(range(0, len(items), size))
        outcomes = await asyncio.gather(*(self._run(items[s : s + size]) for s in starts), return_exceptions=True)
        clips: list[SpeechClip] = []
        for start, outcome in zip(starts, outcomes, strict=True):
            if isinstance(outcome, BrokenProcessPool):
                log.warning("hibari.worker_died", first_request=start, retrying=True)
                outcome = await self._retry_one_by_one(items[start : start + size], start)
            elif isinstance(outcome, hibari_library.HibariError):
                raise SynthesisFailed(self.engine, start + outcome.index, outcome.message)
            elif isinstance(outcome, BaseException):
                raise outcome
            clips.extend(SpeechClip(pcm=pcm, sample_rate=rate) for pcm, rate in outcome)
        return clips

    async def _run(self, items: list[hibari_library.Item]) -> list[tuple[bytes, int]]:
        pool = self._executor()
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, hibari_library.synthesize_batch, items)
        except BrokenProcessPool:
            if self._pool is pool:
                pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
            raise

    async def _retry_one_by_one(self, items: list[hibari_library.Item], start: int) -> list[tuple[bytes, int]]:
        clips: list[tuple[bytes, int]] = []
        for offset, item in enumerate(items):
            try:
                clips.extend(await self._run([item]))
            except BrokenProcessPool:
                raise SynthesisFailed(self.engine, start + offset, "the hibari worker process died twice") from None
            except hibari_library.HibariError as exc:
                raise SynthesisFailed(self.engine, start + offset, exc.message) from None
        return clips
