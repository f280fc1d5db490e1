"""A shared store behind a local disk copy: the clip cache of many worker machines.

Reads come from the local copy when it has the blob, otherwise the blob is fetched from the shared
store once and kept locally; writes go to both (local first, so the writer's own machine reuses them
at once). The local directory stays bounded by the clip cache pruner, which deletes local copies
only. Listing and existence ask the shared store: it is what every machine has published.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from adapters.storage.fs_blob_store import FsBlobStore
from application.errors import NotFound
from application.ports.blobs import BlobStore

COPY_CHUNK = 1024 * 1024


class ReadThroughBlobStore:
    def __init__(self, local: FsBlobStore, shared: BlobStore) -> None:
        self._local, self._shared = local, shared

    @contextlib.contextmanager
    def writer(self, key: str) -> Iterator[BinaryIO]:
        with self._local.writer(key) as sink:
            yield sink
        with self._local.reader(key) as source, self._shared.writer(key) as remote:
            shutil.copyfileobj(source, remote, COPY_CHUNK)

    @contextlib.contextmanager
    def reader(self, key: str) -> Iterator[BinaryIO]:
        if not self._local.exists(key):
            with self._shared.reader(key) as remote, self._local.writer(key) as copy:
                shutil.copyfileobj(remote, copy, COPY_CHUNK)
        with self._local.reader(key) as source:  # pruned in between: NotFound, a cache miss
            yield source

    def delete(self, key: str) -> bool:
        local = self._local.delete(key)
        return self._shared.delete(key) or local

    def exists(self, key: str) -> bool:
        return self._local.exists(key) or self._shared.exists(key)

    def size(self, key: str) -> int:
        try:
            return self._local.size(key)
        except NotFound:
            return self._shared.size(key)

    def touch(self, key: str) -> bool:
        return self._local.touch(key) or self._shared.touch(key)

    def keys(self, folder: str) -> list[str]:
        return self._shared.keys(folder)

    def discard_partials(self, key: str) -> int:
        return self._local.discard_partials(key) + self._shared.discard_partials(key)

    async def put_chunks(self, key: str, chunks: AsyncIterable[bytes]) -> int:
        return await self._shared.put_chunks(key, chunks)

    async def put_file(self, key: str, path: Path) -> int:
        return await self._shared.put_file(key, path)

    async def stat(self, key: str) -> int:
        return await self._shared.stat(key)

    async def read_range(self, key: str, first: int, last: int) -> AsyncIterator[bytes]:
        return await self._shared.read_range(key, first, last)

    async def delete_many(self, keys: Iterable[str]) -> None:
        listed = list(keys)
        await self._local.delete_many(listed)
        await self._shared.delete_many(listed)

    async def check(self) -> None:
        await self._shared.check()
