"""Engine faults for tests: batch functions for the espeak pool that kill their worker process on cue,
or that take their time and note each batch they start."""

from __future__ import annotations

import os
import time
from pathlib import Path

from adapters.tts.espeak_library import synthesize_batch

ALWAYS = "CRASH-ALWAYS"
ONCE = "CRASH-ONCE:"  # followed by a flag-file path: the first worker to see it dies, later ones speak
SLOW = "SLOW-LOGGED:"  # followed by a log-file path: each batch appends a line, waits half a second, then speaks


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


def slow_logged_batch(items: list[tuple[str, str, float, int | None]]) -> list[tuple[bytes, int]]:
    spoken = []
    for text, *rest in items:
        if SLOW in text:
            log_path, text = text.split(SLOW, 1)[1].split(maxsplit=1)
            with Path(log_path).open("a") as log:
                log.write(f"{time.time()}\n")
            time.sleep(0.5)
        spoken.append((text, *rest))
    return synthesize_batch(spoken)  # type: ignore[arg-type]
