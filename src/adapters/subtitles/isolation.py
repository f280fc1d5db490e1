"""Reading subtitle files in child processes with a wall-clock limit.

A regular expression or a decoder holds the GIL while it runs, so a thread cannot protect the event
loop from a slow file; a child process can, and a child that overruns the limit is killed (and
replaced on the next call). The caller waits in a thread that sleeps on the child's pipe.
"""

from __future__ import annotations

import multiprocessing
import threading
from multiprocessing.connection import Connection
from typing import Any

import msgspec

from adapters.subtitles.reader import read_subtitles
from application.ports.subtitles import ParsedSubtitles, SubtitlesTooComplex, UnreadableSubtitles

STARTUP_LIMIT_S = 120.0
_CONTEXT = multiprocessing.get_context("spawn")  # a clean interpreter: no inherited threads or sockets
_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(ParsedSubtitles)


def _serve(conn: Connection) -> None:
    """The child: say it is ready (its imports are done), then read files until the pipe closes."""
    conn.send("ready")
    while True:
        try:
            data, options = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", _encoder.encode(read_subtitles(data, **options))))
        except UnreadableSubtitles as exc:
            conn.send(("unreadable", exc.reason, exc.line, exc.errors[0].field if exc.errors else "file"))
        except Exception as exc:  # noqa: BLE001 - the parent raises it; the child stays usable
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class _Child:
    def __init__(self) -> None:
        self.conn, child_end = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_serve, args=(child_end,), daemon=True, name="subdub-subtitles")
        self.process.start()
        child_end.close()
        # Starting an interpreter is not reading a file: the limit starts once the child is ready.
        if not self.conn.poll(STARTUP_LIMIT_S) or self.conn.recv() != "ready":
            self.kill()
            raise RuntimeError("the subtitle reader process did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class IsolatedReader:
    """Up to `workers` files read at once, each in its own child, each within `time_limit_s` seconds."""

    def __init__(self, *, time_limit_s: float, workers: int = 2) -> None:
        self.time_limit_s = time_limit_s
        self._slots = threading.BoundedSemaphore(workers)
        self._idle: list[_Child] = []
        self._lock = threading.Lock()

    def read(self, data: bytes, **options: Any) -> ParsedSubtitles:
        """Blocking: call it from a worker thread."""
        with self._slots:
            child = self._take()
            try:
                child.conn.send((data, options))
                ready = child.conn.poll(self.time_limit_s)
                answer = child.conn.recv() if ready else None
            except (EOFError, OSError):
                child.kill()
                raise RuntimeError("the subtitle reader process died") from None
            if answer is None:
                child.kill()
                raise SubtitlesTooComplex(self.time_limit_s)
            self._give_back(child)
        kind, *rest = answer
        if kind == "ok":
            return _decoder.decode(rest[0])
        if kind == "unreadable":
            reason, line, field = rest
            raise UnreadableSubtitles(reason, line=line, field=field)
        raise RuntimeError(f"the subtitle reader failed: {rest[0]}")

    def _take(self) -> _Child:
        with self._lock:
            while self._idle:
                child = self._idle.pop()
                if child.process.is_alive():
                    return child
                child.kill()
        return _Child()

    def _give_back(self, child: _Child) -> None:
        with self._lock:
            self._idle.append(child)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for child in idle:
            child.kill()
