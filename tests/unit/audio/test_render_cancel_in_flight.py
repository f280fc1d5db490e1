"""A cancel stops the engine work already in flight: the render does not wait for its batches to end."""

from __future__ import annotations

import asyncio
import time

import pytest

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from application.audio_pipeline.voice_over import RenderCancelled, RenderVoiceOver
from domain.render_options import RenderOptions
from domain.timing import RenderCue
from domain.voices import VoiceRef
from tests.fakes.speech import FakeSpeechSynthesizer, UnreliableSpeechSynthesizer
from tests.fakes.storage import InMemoryBlobStore, InMemoryClipCache


async def test_a_cancel_drops_the_engine_calls_in_flight() -> None:
    inner = FakeSpeechSynthesizer(ms_per_char=20)
    slow = UnreliableSpeechSynthesizer(inner, delay_s=5.0)  # each batch takes 5 s in the engine
    renderer = RenderVoiceOver(
        {"fake": slow}, InMemoryClipCache(), NumpyClipProcessor(), StreamingTrackMixer(preload=False),
        InMemoryBlobStore(), batch_size=8, batches_in_flight=4,
    )  # fmt: skip
    cues = [RenderCue(id=str(i), start_ms=i * 1500, end_ms=i * 1500 + 1200, text=f"line {i}") for i in range(64)]
    flag = asyncio.Event()

    async def cancelled() -> bool:
        return flag.is_set()

    render = asyncio.create_task(
        renderer.execute(
            cues, RenderOptions(voice=VoiceRef(engine="fake", name="en-test"), format="wav"), "out.wav",
            cancel=cancelled,
        )
    )  # fmt: skip
    await asyncio.sleep(0.3)  # four batches are in the engine now
    asked = time.monotonic()
    flag.set()
    with pytest.raises(RenderCancelled):
        await render
    assert time.monotonic() - asked < 1.0  # not the 5 s the batches would have taken
    await asyncio.sleep(0.1)
    assert inner.calls == []  # nothing was synthesized: the engine calls were dropped
