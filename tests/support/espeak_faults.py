"""Engine faults for tests: a batch function for the espeak pool that kills its worker process on cue."""

from __future__ import annotations

import os
from pathlib import Path

from adapters.tts.espeak_library import synthesize_batch

ALWAYS = "CRASH-ALWAYS"
ONCE = "CRASH-ONCE:"  # followed by a flag-file path: the first worker to see it dies, later ones speak


def crashing_batch(items: list[tuple[str, str, float, int | None]]) -> list[tuple[bytes, int]]:
    for text, *_ in items:
        if ALWAYS in text:
            os._exit(3)
        if ONCE in text:
            flag = Path(text.split(ONCE, 1)[1].split()[0])
            if not flag.exists():
                flag.touch()
                os._exit(3)
    return synthesize_batch(items)
