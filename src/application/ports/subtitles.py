"""Reading and writing subtitle files (SRT, WebVTT, ASS/SSA)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import msgspec

from application.errors import FieldError, InvalidInput
from domain.subtitles import CueContent, SubtitleFormat


class ParsedSubtitles(msgspec.Struct, frozen=True, kw_only=True):
    format: SubtitleFormat
    encoding: str
    cues: list[CueContent]
    warnings: list[str]


class UnreadableSubtitles(InvalidInput):
    """The bytes cannot be read as subtitles; `line` (1-based) points at the culprit when there is one."""

    code = "unreadable_subtitles"

    def __init__(self, reason: str, *, line: int | None = None) -> None:
        detail = f"line {line}: {reason}" if line is not None else reason
        super().__init__(detail, [FieldError("file", detail)])
        self.reason = reason
        self.line = line


class SubtitleCodec(Protocol):
    async def parse(self, data: bytes, *, filename: str | None = None) -> ParsedSubtitles:
        """Decode and parse a file; raises UnreadableSubtitles for anything that is not subtitles."""
        ...

    async def export(self, cues: Sequence[CueContent], fmt: SubtitleFormat) -> bytes:
        """The cues as a UTF-8 file of the format."""
        ...
