"""Reading a subtitle file into the cues a render speaks (the CLI's input)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from domain.timing import RenderCue


class SubtitleFileReader(Protocol):
    def read(self, path: Path) -> list[RenderCue]:
        """Cues with their markup stripped; raises InvalidInput(code="unreadable_subtitles")."""
        ...
