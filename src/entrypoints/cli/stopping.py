"""SIGTERM and SIGINT end a long-running command through its own clean-up, never by the default action.

uvicorn catches the signal, shuts down, then raises it again; the default action would kill the
process before it stops the worker it started and before the embedded PostgreSQL is let go of.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import structlog

SIGNALS = (signal.SIGTERM, signal.SIGINT)
log = structlog.get_logger(__name__)


class Stopped(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _stop(signum: int, frame: FrameType | None) -> None:
    for sig in SIGNALS:  # the clean-up that follows is not interrupted by a second signal
        signal.signal(sig, signal.SIG_IGN)
    raise Stopped(signum)


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """The block ends (its `finally` clauses run) on SIGTERM or SIGINT; the command then returns normally."""
    previous = {sig: signal.signal(sig, _stop) for sig in SIGNALS}
    try:
        yield
    except Stopped as stopped:
        log.info("process.stopped", signal=str(stopped))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
