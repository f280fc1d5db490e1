"""Reading and writing subtitle files (SRT, WebVTT, ASS/SSA)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import msgspec

from application.errors import FieldError, InvalidInput
from domain.subtitles import CueContent, SubtitleFormat


class SkippedCue(msgspec.Struct, frozen=True, kw_only=True):
    line: int  # 1-based line of the file
    reason: str


class ParsedSubtitles(msgspec.Struct, frozen=True, kw_only=True):
    """The cues of a file and the import report: what was read, skipped, repaired and recognised."""

    format: SubtitleFormat
    encoding: str
    cues: list[CueContent]
    warnings: list[str]
    confidence: float = 1.0  # how sure the encoding is (1.0: a byte-order mark, UTF-8 or asked for)
    skipped: list[SkippedCue] = msgspec.field(default_factory=list)  # the first ones, by line
    skipped_total: int = 0
    speakers: dict[str, int] = msgspec.field(default_factory=dict)  # speaker → cues
    non_speech: int = 0  # cues marked spoken: false


class UnreadableSubtitles(InvalidInput):
    """The bytes cannot be read as subtitles; `line` (1-based) points at the culprit when there is one."""

    code = "unreadable_subtitles"

    def __init__(self, reason: str, *, line: int | None = None, field: str = "file") -> None:
        detail = f"line {line}: {reason}" if line is not None else reason
        super().__init__(detail, [FieldError(field, detail)])
        self.reason = reason
        self.line = line


class SubtitlesTooComplex(InvalidInput):
    """Reading the file took longer than the server allows one file."""

    code = "subtitles_too_complex"

    def __init__(self, seconds: float) -> None:
        detail = f"the file could not be read within {seconds:g} s; it is refused as too complex"
        super().__init__(detail, [FieldError("file", detail)])


class SubtitleCodec(Protocol):
    async def parse(
        self, data: bytes, *, filename: str | None = None, language: str | None = None, encoding: str | None = None
    ) -> ParsedSubtitles:
        """Decode and parse a file (`language` informs the encoding guess; `encoding` overrides it); raises
        UnreadableSubtitles for anything that is not subtitles, SubtitlesTooComplex past the time limit."""
        ...

    async def export(self, cues: Sequence[CueContent], fmt: SubtitleFormat) -> bytes:
        """The cues as a UTF-8 file of the format."""
        ...
