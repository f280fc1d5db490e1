"""Change signals of renders from PostgreSQL LISTEN/NOTIFY: one listening connection per process and
channel (autocommit, outside the pool) fans each notification out to the streams watching that render.
`render_events` carries every state change; `render_cancels` only cancel requests (what a running
render's worker listens for)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import psycopg
import structlog
from psycopg import sql

from adapters.postgres.repositories.renders import CANCEL_CHANNEL, CHANNEL

log = structlog.get_logger(__name__)


class _Signal:
    def __init__(self) -> None:
        self._event = asyncio.Event()

    def set(self) -> None:
        self._event.set()

    async def wait(self, timeout_s: float) -> bool:
        try:
            await asyncio.wait_for(self._event.wait(), timeout_s)
        except TimeoutError:
            return False
        self._event.clear()
        return True


class PostgresRenderEvents:
    def __init__(self, database_url: str, *, channel: str = CHANNEL, reconnect_s: float = 1.0) -> None:
        self._url = database_url
        self._channel = channel
        self._reconnect_s = reconnect_s
        self._watchers: dict[str, set[_Signal]] = defaultdict(set)
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    @classmethod
    def cancel_requests(cls, database_url: str) -> PostgresRenderEvents:
        """Only cancel requests: what a running render's worker listens for."""
        return cls(database_url, channel=CANCEL_CHANNEL)

    @contextlib.asynccontextmanager
    async def watch(self, render_id: UUID) -> AsyncIterator[_Signal]:
        self._ensure_listening()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), 5.0)
        signal = _Signal()
        key = str(render_id)
        self._watchers[key].add(signal)
        try:
            yield signal
        finally:
            self._watchers[key].discard(signal)
            if not self._watchers[key]:
                del self._watchers[key]

    def _ensure_listening(self) -> None:
        if self._listener is None or self._listener.done():
            self._ready = asyncio.Event()
            self._listener = asyncio.create_task(self._listen(), name=f"{self._channel}-listener")

    async def close(self) -> None:
        if self._listener is not None:
            listener, self._listener = self._listener, None
            listener.cancel()
            if listener.get_loop() is asyncio.get_running_loop():  # a test client may close from another loop
                await asyncio.gather(listener, return_exceptions=True)

    async def _listen(self) -> None:
        while True:
            try:
                conn: psycopg.AsyncConnection[Any] = await psycopg.AsyncConnection.connect(self._url, autocommit=True)
                async with conn:
                    await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
                    self._ready.set()
                    self._wake_all()  # anything that changed while we were not listening
                    async for notice in conn.notifies():
                        for signal in tuple(self._watchers.get(notice.payload, ())):
                            signal.set()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a lost connection is retried; watchers re-read state
                log.warning("render_events.listener_lost", error=type(exc).__name__)
                self._wake_all()
                await asyncio.sleep(self._reconnect_s)

    def _wake_all(self) -> None:
        for signals in tuple(self._watchers.values()):
            for signal in tuple(signals):
                signal.set()
