"""`subdub worker` exactly as shipped, with the fake speech engine in place of espeak (run as a subprocess).

FAKE_TTS_FAIL_RATE, FAKE_TTS_DELAY_S and FAKE_TTS_REFUSE_WHILE (a path) shape the fake's faults;
FAKE_TTS_CALL_LOG (a path) gets a line per batch synthesized (wall time, number of clips).
"""

from __future__ import annotations

import asyncio
import os

from dependency_injector import providers

from entrypoints.wiring import bootstrap
from entrypoints.worker.runner import run_worker
from tests.fakes.speech import FakeSpeechSynthesizer, UnreliableSpeechSynthesizer


def fake_engine() -> UnreliableSpeechSynthesizer:
    return UnreliableSpeechSynthesizer(
        FakeSpeechSynthesizer(ms_per_char=40),
        fail_rate=float(os.environ.get("FAKE_TTS_FAIL_RATE", "0")),
        delay_s=float(os.environ.get("FAKE_TTS_DELAY_S", "0")),
        refuse_while=os.environ.get("FAKE_TTS_REFUSE_WHILE") or None,
        call_log=os.environ.get("FAKE_TTS_CALL_LOG") or None,
    )


if __name__ == "__main__":
    runtime = bootstrap()
    engine = fake_engine()
    runtime.container.voice.speech_synthesizers.override(providers.Object({"fake": engine}))
    asyncio.run(run_worker(runtime.container))
