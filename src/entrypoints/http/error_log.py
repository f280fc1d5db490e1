"""Unexpected errors in the log without letting anonymous requests flood it.

One full traceback per distinct error (type and the line that raised it) per interval; the
repeats in between are counted and reported in one line when the interval is over.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

MAX_DISTINCT = 1000  # beyond this many distinct errors in one interval, the oldest are forgotten


def signature(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__}@{where}"


class ThrottledErrorLog:
    def __init__(
        self, logger: Any, *, event: str, interval_s: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._log = logger
        self._event = event
        self._interval = interval_s
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[str, tuple[float, int]] = {}  # signature -> (time of the last full report, repeats since)

    def report(self, exc: BaseException) -> bool:
        """Log `exc`; True when its traceback was written, False when it was only counted."""
        key = signature(exc)
        now = self._clock()
        with self._lock:
            last, repeats = self._seen.get(key, (None, 0))
            if last is not None and now - last < self._interval:
                self._seen[key] = (last, repeats + 1)
                return False
            self._seen.pop(key, None)
            if len(self._seen) >= MAX_DISTINCT:
                self._seen.pop(next(iter(self._seen)))
            self._seen[key] = (now, 0)
        self._log.error(
            self._event,
            error_type=type(exc).__name__,
            error_signature=key,
            repeats_suppressed=repeats,
            exc_info=exc,
        )
        return True
