"""Where rendered audio and cached clips are kept (local filesystem now, S3-compatible later)."""

from __future__ import annotations

from contextlib import AbstractContextManager
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
