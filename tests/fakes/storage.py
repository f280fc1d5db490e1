"""In-memory BlobStore and ClipCache with the same publish-or-discard behaviour as the real ones."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import BinaryIO

from application.errors import NotFound


class InMemoryBlobStore:
    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

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
