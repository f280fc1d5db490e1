"""The last stage of a render over media: the voice stem mixed over the soundtrack and delivered (inside
the video, or as the mix alone), in a worker thread that reports how far it got and stops when asked."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from application.ports.blobs import BlobStore
from application.ports.media import DubDelivery, MediaDeliverer
from domain.media import speech_spans
from domain.render_options import DUCK_ATTACK_MS, DUCK_RELEASE_MS, RenderOptions
from domain.render_report import CueFitReport, DeliveryReport


@dataclass(frozen=True)
class MediaSources:
    """Where the files a render over media reads are: the original (whose streams a delivered video
    keeps) and the file the voice is mixed over (the original's chosen audio stream, or an M&E stem)."""

    store: BlobStore
    original_key: str | None
    bed_key: str | None
    bed_stream: int | None  # the original's audio stream index (voiceover); None: the stem's first


class _Stopped(Exception):
    """Raised in the delivery's thread at its next progress report once the render is to stop."""


class _Watch:
    def __init__(self) -> None:
        self.fraction = 0.0
        self.stop = False

    def update(self, fraction: float) -> None:
        self.fraction = fraction
        if self.stop:
            raise _Stopped


def delivery_plan(options: RenderOptions, reports: Sequence[CueFitReport], bed_stream: int | None) -> DubDelivery:
    language = options.language
    spans = speech_spans(
        ((fit.speech_start_ms, fit.final_ms) for fit in reports), attack_ms=DUCK_ATTACK_MS, release_ms=DUCK_RELEASE_MS
    )
    return DubDelivery(
        format=options.format,
        mix=options.mix,
        bed_stream=bed_stream,
        duck_db=options.duck_db,
        attack_ms=DUCK_ATTACK_MS,
        release_ms=DUCK_RELEASE_MS,
        speech=tuple(spans),
        language=language,
        title=f"Dub ({language})" if language else "Dub",
        dub_default=options.default_track == "dub",
    )


async def deliver_over_media(
    deliverer: MediaDeliverer,
    store: BlobStore,
    media: MediaSources,
    options: RenderOptions,
    reports: Sequence[CueFitReport],
    stem_key: str,
    output_key: str,
    step: Callable[[float], Awaitable[None]],
) -> DeliveryReport:
    """`step` gets the fraction done about twice a second; whatever it raises (a cancel) stops the thread
    at its next report and is raised here once the thread has let go of the files."""
    plan = delivery_plan(options, reports, media.bed_stream)
    watch = _Watch()

    def run() -> DeliveryReport:
        with contextlib.ExitStack() as files:
            voice = files.enter_context(store.reader(stem_key))
            original = files.enter_context(media.store.reader(media.original_key)) if media.original_key else None
            bed = files.enter_context(media.store.reader(media.bed_key)) if media.bed_key else None
            sink = files.enter_context(store.writer(output_key))
            return deliverer.deliver(plan, voice=voice, original=original, bed=bed, sink=sink, progress=watch.update)

    await step(0.0)
    work = asyncio.ensure_future(asyncio.to_thread(run))
    try:
        while not work.done():
            await asyncio.wait({work}, timeout=0.5)
            await step(watch.fraction)
        report = work.result()
    except BaseException:
        watch.stop = True
        await asyncio.wait({work})
        if not work.cancelled():
            work.exception()  # retrieved: the error that matters is the one being raised
        raise
    await step(1.0)
    return report
