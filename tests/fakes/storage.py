"""In-memory BlobStore and ClipCache with the same publish-or-discard behaviour as the real ones."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from application.errors import DependencyUnavailable, NotFound


class InMemoryBlobStore:
    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.reachable = True  # False: every asynchronous call answers "storage unavailable"

    @contextlib.contextmanager
    def writer(self, key: str) -> Iterator[BinaryIO]:
        buffer = io.BytesIO()
        yield buffer  # an exception here discards the buffer: nothing is published
        self.blobs[key] = buffer.getvalue()

    @contextlib.contextmanager
    def reader(self, key: str) -> Iterator[BinaryIO]:
        if key not in self.blobs:
            raise NotFound("blob", key)
        yield io.BytesIO(self.blobs[key])

    def delete(self, key: str) -> bool:
        return self.blobs.pop(key, None) is not None

    def exists(self, key: str) -> bool:
        return key in self.blobs

    def size(self, key: str) -> int:
        if key not in self.blobs:
            raise NotFound("blob", key)
        return len(self.blobs[key])

    def touch(self, key: str) -> bool:
        return key in self.blobs  # no clock here: nothing prunes the in-memory store

    def keys(self, folder: str) -> list[str]:
        return [key for key in self.blobs if key.startswith(f"{folder}/") and "/" not in key[len(folder) + 1 :]]

    def discard_partials(self, key: str) -> int:
        return 0  # an unfinished write never outlives its context here

    async def put_chunks(self, key: str, chunks: AsyncIterable[bytes]) -> int:
        await self.check()
        parts = [bytes(chunk) async for chunk in chunks]  # an exception here publishes nothing
        self.blobs[key] = b"".join(parts)
        return len(self.blobs[key])

    async def put_file(self, key: str, path: Path) -> int:
        await self.check()
        self.blobs[key] = await asyncio.to_thread(Path(path).read_bytes)
        return len(self.blobs[key])

    async def stat(self, key: str) -> int:
        await self.check()
        return self.size(key)

    async def read_range(self, key: str, first: int, last: int) -> AsyncIterator[bytes]:
        await self.check()
        data = self.blobs.get(key)
        if data is None:
            raise NotFound("blob", key)

        async def one() -> AsyncIterator[bytes]:
            yield data[first : last + 1]

        return one()

    async def delete_many(self, keys: Iterable[str]) -> None:
        await self.check()
        for key in keys:
            self.blobs.pop(key, None)

    async def check(self) -> None:
        if not self.reachable:
            raise DependencyUnavailable("storage", code="storage_unavailable")


class InMemoryClipCache:
    def __init__(self) -> None:
        self.clips: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.clips.get(key)

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        return {key: self.clips[key] for key in keys if key in self.clips}

    def sizes(self, keys: Iterable[str]) -> dict[str, int]:
        return {key: len(self.clips[key]) for key in keys if key in self.clips}

    def put(self, key: str, pcm: bytes) -> None:
        self.clips[key] = pcm

    def put_many(self, clips: Mapping[str, bytes]) -> None:
        self.clips.update(clips)
