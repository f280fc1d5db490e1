"""Work handed to one background thread and run in the order given, so that mixing the next chunk
overlaps measuring or limiting and encoding the one before (numpy and scipy release the GIL)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

IN_FLIGHT = 2  # chunks handed over and not yet done: memory stays bounded


class InOrder:
    def __init__(self, name: str) -> None:
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=name)
        self._pending: deque[Future[None]] = deque()

    def submit(self, action: Callable[..., None], *args: object) -> None:
        """Queue `action(*args)`; a failure of work queued before is raised here (or by `wait`)."""
        while self._pending and (self._pending[0].done() or len(self._pending) >= IN_FLIGHT):
            self._pending.popleft().result()
        self._pending.append(self._executor.submit(action, *args))

    def wait(self) -> None:
        """Until everything queued is done; raises the first failure."""
        while self._pending:
            self._pending.popleft().result()

    def close(self) -> None:
        """Let what is running finish, drop the rest and end the thread (failures are not raised)."""
        for future in self._pending:
            future.cancel()
        self._pending.clear()
        self._executor.shutdown(wait=True)
