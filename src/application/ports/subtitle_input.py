"""Reading a subtitle file into the cues a render speaks (the CLI's input)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import msgspec

from domain.timing import RenderCue


class SubtitleFile(msgspec.Struct, frozen=True, kw_only=True):
    format: str
    cues: list[RenderCue]  # markup stripped; cues left with nothing to say are dropped (see warnings)
    warnings: list[str]


class SubtitleFileReader(Protocol):
    def read(self, path: Path) -> SubtitleFile:
        """Raises InvalidInput (code "unreadable_subtitles" or "file_too_large") for what cannot be read."""
        ...
