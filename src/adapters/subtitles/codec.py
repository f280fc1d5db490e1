"""The SubtitleCodec port: files read by the linear-time readers in a child process with a time limit,
and written by `writers` (SRT and WebVTT by hand, ASS/SSA through pysubs2)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from adapters.subtitles.isolation import IsolatedReader
from adapters.subtitles.reader import read_subtitles
from adapters.subtitles.writers import write
from application.errors import FieldError, InvalidInput
from application.ports.subtitles import ParsedSubtitles
from domain.subtitles import CueContent, SubtitleFormat

SUBSTATION_MAX_MS = 35_999_990  # ASS/SSA timestamps have a one-digit hour
DEFAULT_TIME_LIMIT_S = 20.0


class IsolatedSubtitleCodec:
    def __init__(self, *, time_limit_s: float = DEFAULT_TIME_LIMIT_S, workers: int = 2) -> None:
        self._reader = IsolatedReader(time_limit_s=time_limit_s, workers=workers)

    async def parse(
        self, data: bytes, *, filename: str | None = None, language: str | None = None, encoding: str | None = None
    ) -> ParsedSubtitles:
        options = {"filename": filename, "language": language, "encoding": encoding}
        return await asyncio.to_thread(self._reader.read, data, **options)

    def parse_sync(
        self, data: bytes, *, filename: str | None = None, language: str | None = None, encoding: str | None = None
    ) -> ParsedSubtitles:
        """In this process, without a time limit: for the CLI reading a local file, and tests."""
        return read_subtitles(data, filename=filename, language=language, encoding=encoding)

    async def export(self, cues: Sequence[CueContent], fmt: SubtitleFormat) -> bytes:
        return await asyncio.to_thread(self.export_sync, cues, fmt)

    def export_sync(self, cues: Sequence[CueContent], fmt: SubtitleFormat) -> bytes:
        if fmt in (SubtitleFormat.ASS, SubtitleFormat.SSA) and any(c.end_ms > SUBSTATION_MAX_MS for c in cues):
            raise InvalidInput(
                f"{fmt.value.upper()} files hold times up to 9:59:59.99; a cue ends later (use SRT or WebVTT)",
                [FieldError("format", "times past 9:59:59.99 cannot be written in this format")],
                code="not_representable",
            )
        return write(cues, fmt).encode("utf-8")

    def close(self) -> None:
        self._reader.close()
