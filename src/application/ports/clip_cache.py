"""Synthesized clips by content address (see domain.clips): int16 mono PCM at the key's sample rate."""

from __future__ import annotations

from typing import Protocol


class ClipCache(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, pcm: bytes) -> None: ...
