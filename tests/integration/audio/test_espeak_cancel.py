"""Cancelling a synthesis in the espeak process pool drops the batches it had not started: a cancelled
render's clips stop being synthesized (only the few batches already handed to a process finish)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from adapters.tts.espeak import EspeakSpeechSynthesizer
from application.ports.speech import SynthesisRequest
from domain.voices import VoiceRef
from tests.support.espeak_faults import SLOW, slow_logged_batch

WORKERS = 2
REQUESTS = 40
# batches a process pool has handed over and can no longer cancel: one running per process, and its
# call queue (processes + 1)
HANDED_OVER = WORKERS + WORKERS + 1


def started(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


async def test_a_cancelled_synthesis_starts_no_more_batches(tmp_path: Path) -> None:
    log = tmp_path / "batches.log"
    engine = EspeakSpeechSynthesizer(workers=WORKERS, items_per_task=1, batch_function=slow_logged_batch)
    try:
        await engine.list_voices()  # the processes are up before the clock starts
        voice = VoiceRef(engine="espeak", name="en-us")
        requests = [SynthesisRequest(text=f"{SLOW}{log} line {i}", voice=voice) for i in range(REQUESTS)]
        synthesis = asyncio.create_task(engine.synthesize(requests))
        await asyncio.sleep(1.2)  # a few half-second batches done, more waiting in the pool
        synthesis.cancel()
        with pytest.raises(asyncio.CancelledError):
            await synthesis
        at_cancel = started(log)
        await asyncio.sleep(2.0)
        after = started(log)
    finally:
        engine.close()
    assert after <= at_cancel + HANDED_OVER, (at_cancel, after)
    assert after < REQUESTS // 2  # the rest of the batches never ran
