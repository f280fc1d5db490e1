"""Synthesized clips by content address (see domain.clips): int16 mono PCM at the key's sample rate."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol


class ClipCache(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The clips found, by key (missing keys are left out)."""
        ...

    def sizes(self, keys: Iterable[str]) -> dict[str, int]:
        """The byte length of each clip found, without reading the clips (missing keys are left out)."""
        ...

    def put(self, key: str, pcm: bytes) -> None: ...

    def put_many(self, clips: Mapping[str, bytes]) -> None:
        """Stores clips produced together (an adapter may write them as one unit)."""
        ...


@dataclass(frozen=True)
class PruneReport:
    removed: int
    freed_bytes: int
    kept: int
    kept_bytes: int


class ClipCachePruner(Protocol):
    def prune(self, *, max_bytes: int, keep_newer_than_s: float) -> PruneReport:
        """Removes the least recently used clips until the cache holds at most `max_bytes`; clips
        used within `keep_newer_than_s` stay whatever the size (a running render may still need them)."""
        ...
