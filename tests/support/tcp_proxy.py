"""A TCP proxy in front of PostgreSQL that a test can cut and restore, to play a database outage."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import psycopg

from tests.support.server import free_port


class CuttableProxy:
    def __init__(self, target_conninfo: str) -> None:
        info = psycopg.conninfo.conninfo_to_dict(target_conninfo)
        self._host = str(info.get("host") or "127.0.0.1")
        self._port = int(info.get("port") or 5432)
        self.port = free_port()
        info.update(host="127.0.0.1", port=str(self.port))
        self.url = psycopg.conninfo.make_conninfo(**info)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._host.startswith("/"):
            return await asyncio.open_unix_connection(f"{self._host}/.s.PGSQL.{self._port}")
        return await asyncio.open_connection(self._host, self._port)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with suppress(Exception):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await self._open_upstream()
        self._writers.update((client_writer, up_writer))
        await asyncio.gather(self._pipe(client_reader, up_writer), self._pipe(up_reader, client_writer))

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    def _run(self, coro: object) -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)  # type: ignore[arg-type]

    def start(self) -> None:
        self._thread.start()
        self._run(self._start())

    def cut(self) -> None:
        """Drop every open connection and refuse new ones."""
        self._run(self._stop())

    def restore(self) -> None:
        self._run(self._start())

    def close(self) -> None:
        self._run(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


@contextmanager
def cuttable_proxy(target_conninfo: str) -> Iterator[CuttableProxy]:
    proxy = CuttableProxy(target_conninfo)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.close()
