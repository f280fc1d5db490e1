"""Blobs as files under one root directory; writes go to a hidden temp file renamed into place."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from adapters.storage.keys import check_key
from application.errors import DependencyUnavailable, NotFound

CHUNK = 256 * 1024


class FsBlobStore:
    def __init__(self, root: Path, *, durable: bool = True) -> None:
        self._root = Path(root)
        self._durable = durable  # fsync before publishing (off for the clip cache: it can be rebuilt)

    def path_of(self, key: str) -> Path:
        return self._root.joinpath(*check_key(key).split("/"))

    @contextlib.contextmanager
    def writer(self, key: str) -> Iterator[BinaryIO]:
        final = self.path_of(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below on every path
            dir=final.parent, prefix=f".{final.name}.", suffix=".part", delete=False
        )
        temp = Path(handle.name)
        try:
            yield handle  # type: ignore[misc]
            handle.flush()
            if self._durable:
                os.fsync(handle.fileno())
            handle.close()
            os.replace(temp, final)
        except BaseException:
            handle.close()
            temp.unlink(missing_ok=True)
            raise

    @contextlib.contextmanager
    def reader(self, key: str) -> Iterator[BinaryIO]:
        try:
            handle = self.path_of(key).open("rb")
        except FileNotFoundError:
            raise NotFound("blob", key) from None
        with handle:
            yield handle

    def delete(self, key: str) -> bool:
        try:
            self.path_of(key).unlink()
        except FileNotFoundError:
            return False
        return True

    def exists(self, key: str) -> bool:
        return self.path_of(key).is_file()

    def size(self, key: str) -> int:
        try:
            return self.path_of(key).stat().st_size
        except FileNotFoundError:
            raise NotFound("blob", key) from None

    def touch(self, key: str) -> bool:
        try:
            os.utime(self.path_of(key))  # atime and mtime = now, whatever the mount's atime policy
        except FileNotFoundError:
            return False
        return True

    def keys(self, folder: str) -> list[str]:
        try:
            with os.scandir(self.path_of(folder)) as entries:
                return [f"{folder}/{e.name}" for e in entries if not e.name.startswith(".") and e.is_file()]
        except (FileNotFoundError, NotADirectoryError):
            return []

    def discard_partials(self, key: str) -> int:
        """Deletes unfinished writes of `key` left by a process that died mid-write."""
        final = self.path_of(key)
        removed = 0
        for partial in final.parent.glob(f".{final.name}.*.part"):
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
                removed += 1
        return removed

    async def put_chunks(self, key: str, chunks: AsyncIterable[bytes]) -> int:
        writing = self.writer(key)
        handle = await asyncio.to_thread(writing.__enter__)
        size = 0
        try:
            async for chunk in chunks:
                await asyncio.to_thread(handle.write, chunk)
                size += len(chunk)
        except BaseException as exc:
            await asyncio.to_thread(writing.__exit__, type(exc), exc, exc.__traceback__)
            raise
        await asyncio.to_thread(writing.__exit__, None, None, None)
        return size

    async def put_file(self, key: str, path: Path) -> int:
        def copy() -> int:
            with self.writer(key) as handle, Path(path).open("rb") as source:
                shutil.copyfileobj(source, handle, CHUNK)
                return handle.tell()

        return await asyncio.to_thread(copy)

    async def stat(self, key: str) -> int:
        return await asyncio.to_thread(self.size, key)

    async def read_range(self, key: str, first: int, last: int) -> AsyncIterator[bytes]:
        try:
            handle = await asyncio.to_thread(self.path_of(key).open, "rb")
        except FileNotFoundError:
            raise NotFound("blob", key) from None
        return _chunks_of(handle, first, last)

    async def delete_many(self, keys: Iterable[str]) -> None:
        def delete_all() -> None:
            for key in keys:
                self.delete(key)

        await asyncio.to_thread(delete_all)

    async def check(self) -> None:
        def writable() -> bool:
            self._root.mkdir(parents=True, exist_ok=True)
            return os.access(self._root, os.W_OK)

        if not await asyncio.to_thread(writable):
            raise DependencyUnavailable("storage", f"{self._root} is not writable", code="storage_unavailable")


async def _chunks_of(handle: BinaryIO, first: int, last: int) -> AsyncIterator[bytes]:
    with handle:
        await asyncio.to_thread(handle.seek, first)
        left = last - first + 1
        while left > 0:
            chunk = await asyncio.to_thread(handle.read, min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
