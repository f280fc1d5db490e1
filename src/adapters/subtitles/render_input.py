"""A subtitle file on disk → the cues `subdub render` speaks, through the pysubs2 codec."""

from __future__ import annotations

from pathlib import Path

from adapters.subtitles.codec import IsolatedSubtitleCodec
from application.errors import FieldError, InvalidInput
from application.ports.subtitle_input import SubtitleFile
from domain.timing import RenderCue

MAX_FILE_BYTES = 50 * 1024 * 1024


class CodecSubtitleFileReader:
    def __init__(self, codec: IsolatedSubtitleCodec, max_bytes: int = MAX_FILE_BYTES) -> None:
        self._codec = codec
        self._max_bytes = max_bytes

    def read(self, path: Path) -> SubtitleFile:
        try:
            size = path.stat().st_size
            if size > self._max_bytes:
                raise InvalidInput(
                    f"{path} is {size} bytes; subtitle files up to {self._max_bytes} bytes are read",
                    [FieldError("input", "file too large")],
                    code="file_too_large",
                )
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(
                f"cannot read {path}: {exc.strerror}", [FieldError("input", "unreadable")], code="unreadable_subtitles"
            ) from None
        parsed = self._codec.parse_sync(data)
        cues = [  # non-speech cues (sound descriptions, music) are kept in the file but never voiced
            RenderCue(id=str(number), start_ms=cue.start_ms, end_ms=cue.end_ms, text=cue.text, speaker=cue.speaker)
            for number, cue in enumerate(parsed.cues, start=1)
            if cue.spoken
        ]
        return SubtitleFile(format=parsed.format.value, cues=cues, warnings=list(parsed.warnings))
