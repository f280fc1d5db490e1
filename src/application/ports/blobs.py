"""Where rendered audio, uploads and cached clips are kept: a local directory or an S3-compatible store.

Every way of writing publishes atomically: a reader sees the whole blob or nothing, and a write that
fails or is interrupted leaves no blob under its key. The synchronous methods are for worker threads
(rendering, the clip cache); the asynchronous ones stream on the event loop (HTTP uploads and downloads).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import BinaryIO, Protocol


class BlobStore(Protocol):
    def writer(self, key: str) -> AbstractContextManager[BinaryIO]:
        """A seekable file to stream into; published atomically under `key` when the block exits
        cleanly, discarded (nothing left behind) when it raises."""
        ...

    def reader(self, key: str) -> AbstractContextManager[BinaryIO]:
        """A seekable file to stream from; raises NotFound("blob", key)."""
        ...

    def delete(self, key: str) -> bool:
        """True when something was deleted."""
        ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int:
        """Size in bytes; raises NotFound("blob", key)."""
        ...

    def touch(self, key: str) -> bool:
        """Marks the blob as used now (least-recently-used pruning reads it); False when it is gone."""
        ...

    def keys(self, folder: str) -> list[str]:
        """Keys of the published blobs directly in `folder` (a key prefix up to a `/`), in no order."""
        ...

    def discard_partials(self, key: str) -> int:
        """Deletes unfinished writes of `key` left by a writer that died (call only when no live
        writer of `key` can exist); returns how many were removed."""
        ...

    async def put_chunks(self, key: str, chunks: AsyncIterable[bytes]) -> int:
        """Streams `chunks` into `key` without holding them in memory; returns the size. Published only
        when the iterable ends; when it raises, the error propagates and nothing is published."""
        ...

    async def put_file(self, key: str, path: Path) -> int:
        """Copies a local file into `key` (streamed, multipart where the store has it); returns the size."""
        ...

    async def stat(self, key: str) -> int:
        """Size in bytes; raises NotFound("blob", key)."""
        ...

    async def read_range(self, key: str, first: int, last: int) -> AsyncIterator[bytes]:
        """Bytes `first`..`last` (inclusive) of `key` as chunks. Awaiting it raises NotFound("blob", key)
        before any byte is sent, so a caller can still answer 404."""
        ...

    async def delete_many(self, keys: Iterable[str]) -> None:
        """Deletes every listed blob that exists (missing ones are no error)."""
        ...

    async def check(self) -> None:
        """Raises DependencyUnavailable("storage") when the store cannot be reached or refuses us."""
        ...
