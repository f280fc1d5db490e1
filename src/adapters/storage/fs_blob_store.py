"""Blobs as files under one root directory; writes go to a hidden temp file renamed into place."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from application.errors import NotFound

# A key is a relative path: no empty, dot-led (temp files are dot-led) or control-character segments.
_SEGMENT = re.compile(r"^[^./\x00-\x1f][^/\x00-\x1f]*$")


class FsBlobStore:
    def __init__(self, root: Path, *, durable: bool = True) -> None:
        self._root = Path(root)
        self._durable = durable  # fsync before publishing (off for the clip cache: it can be rebuilt)

    def path_of(self, key: str) -> Path:
        segments = key.split("/")
        if not key or not all(_SEGMENT.match(segment) for segment in segments):
            raise ValueError(f"invalid blob key {key!r}")
        return self._root.joinpath(*segments)

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
