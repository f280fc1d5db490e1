"""A local speech engine run in a pool of worker processes: batches dispatched a few items per task, a
dead worker's batch retried once item by item (so a second death names its request)."""

from __future__ import annotations

import asyncio
import math
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Generic, Protocol, TypeVar

import structlog

from application.ports.speech import SpeechClip, SynthesisFailed

log = structlog.get_logger(__name__)

Item = TypeVar("Item")
Synthesized = list[tuple[bytes, int]]  # (int16 PCM, sample rate) per item


class ItemFailure(Protocol):
    """What an engine raises in a worker when item `index` of its batch fails."""

    index: int
    message: str


class PooledEngine(Generic[Item]):
    """The process pool of one engine, started on demand (forkserver: workers fork from a small clean
    server, with no threads and none of the CLI's or the app's imports)."""

    def __init__(
        self,
        engine: str,
        workers: int,
        items_per_task: int,
        *,
        batch_function: Callable[[list[Item]], Synthesized],
        initializer: Callable[..., None],
        initargs: tuple[object, ...] = (),
        failure: type[Exception],
        died_twice: str,
    ) -> None:
        self.engine = engine
        self.workers = workers
        self._items_per_task = items_per_task
        self._batch_function = batch_function
        self._initializer = initializer
        self._initargs = initargs
        self._failure = failure
        self._died_twice = died_twice
        self.pool: ProcessPoolExecutor | None = None

    def executor(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("forkserver"),
                initializer=self._initializer,
                initargs=self._initargs,
            )
        return self.pool

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    async def synthesize(self, items: Sequence[Item]) -> list[SpeechClip]:
        """Every item through the batch function in the workers, the clips in the items' order."""
        size = max(1, min(self._items_per_task, math.ceil(len(items) / self.workers)))
        starts = list(range(0, len(items), size))
        batches = [list(items[s : s + size]) for s in starts]
        outcomes = await asyncio.gather(*(self._run(b) for b in batches), return_exceptions=True)
        clips: list[SpeechClip] = []
        for start, batch, outcome in zip(starts, batches, outcomes, strict=True):
            if isinstance(outcome, BrokenProcessPool):
                log.warning(f"{self.engine}.worker_died", first_request=start, retrying=True)
                outcome = await self._retry_one_by_one(batch, start)
            elif isinstance(outcome, self._failure):
                raise self._failed(start, outcome) from None
            elif isinstance(outcome, BaseException):
                raise outcome
            clips.extend(SpeechClip(pcm=pcm, sample_rate=rate) for pcm, rate in outcome)
        return clips

    def _failed(self, start: int, failure: BaseException) -> SynthesisFailed:
        item: ItemFailure = failure  # type: ignore[assignment]  # an instance of the engine's failure type
        return SynthesisFailed(self.engine, start + item.index, item.message)

    async def _run(self, items: list[Item]) -> Synthesized:
        pool = self.executor()
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, self._batch_function, items)
        except BrokenProcessPool:
            if self.pool is pool:  # replaced once, however many batches saw it break
                pool.shutdown(wait=False, cancel_futures=True)
                self.pool = None
            raise

    async def _retry_one_by_one(self, items: list[Item], start: int) -> Synthesized:
        clips: Synthesized = []
        for offset, item in enumerate(items):
            try:
                clips.extend(await self._run([item]))
            except BrokenProcessPool:
                raise SynthesisFailed(self.engine, start + offset, self._died_twice) from None
            except self._failure as exc:
                raise self._failed(start + offset, exc) from None  # index 0 of a one-item batch
        return clips
