"""The SubtitleCodec port on pysubs2: SRT, WebVTT and ASS/SSA, tolerant of real-world files."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Sequence

import pysubs2

from adapters.subtitles.encoding import decode
from adapters.subtitles.text import has_override_tags, spoken_lines, strip_tags
from adapters.subtitles.writers import write
from application.errors import FieldError, InvalidInput
from application.ports.subtitles import ParsedSubtitles, UnreadableSubtitles
from domain.errors import InvariantViolated
from domain.subtitles import MAX_CUE_TEXT_CHARS, MAX_TIMELINE_MS, CueContent, SubtitleFormat

_SUPPORTED = {
    "srt": SubtitleFormat.SRT,
    "vtt": SubtitleFormat.VTT,
    "ass": SubtitleFormat.ASS,
    "ssa": SubtitleFormat.SSA,
}
_EXPORT_FORMAT = {
    SubtitleFormat.SRT: "srt",
    SubtitleFormat.VTT: "vtt",
    SubtitleFormat.ASS: "ass",
    SubtitleFormat.SSA: "ssa",
}
_CUE_NUMBER = re.compile(r"^\d+$")
_HEADER = re.compile(r"^(WEBVTT|\[Script Info\]|NOTE|STYLE|REGION|Kind:|Language:)", re.IGNORECASE)
# More than this many cues in one file is not a subtitle track (a 5 MiB SRT holds about 80 000).
MAX_CUES = 200_000
SUBSTATION_MAX_MS = 35_999_990  # ASS/SSA timestamps have a one-digit hour


def _ts(ms: int) -> str:
    return pysubs2.time.ms_to_str(ms, fractions=True)


def _unreadable_line(text: str) -> UnreadableSubtitles:
    """Name the first line that is neither blank, a cue number, a header nor a cue timing."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or _CUE_NUMBER.match(line) or _HEADER.match(line):
            continue
        shown = line if len(line) <= 60 else line[:57] + "..."
        if "-->" in line:
            return UnreadableSubtitles(
                f"{shown!r} is not a valid cue timing (expected e.g. 00:00:01,000 --> 00:00:04,000)", line=number
            )
        return UnreadableSubtitles(f"{shown!r} is not a cue number, a cue timing or a subtitle header", line=number)
    return UnreadableSubtitles("the file holds no cues", line=1)


class Pysubs2SubtitleCodec:
    async def parse(self, data: bytes, *, filename: str | None = None) -> ParsedSubtitles:
        return await asyncio.to_thread(self.parse_sync, data)

    async def export(self, cues: Sequence[CueContent], fmt: SubtitleFormat) -> bytes:
        return await asyncio.to_thread(self.export_sync, cues, fmt)

    def parse_sync(self, data: bytes) -> ParsedSubtitles:
        text, encoding = decode(data)
        text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        try:
            subs = pysubs2.SSAFile.from_string(text)
        except pysubs2.exceptions.FormatAutodetectionError:
            raise _unreadable_line(text) from None
        except (pysubs2.exceptions.Pysubs2Error, ValueError, IndexError, KeyError) as exc:
            raise UnreadableSubtitles(f"the file is not valid subtitles ({type(exc).__name__})") from exc
        fmt = _SUPPORTED.get(subs.format or "")
        if fmt is None:
            raise UnreadableSubtitles(f"the {subs.format} subtitle format is not supported (SRT, WebVTT, ASS, SSA are)")
        if len(subs.events) > MAX_CUES:
            raise UnreadableSubtitles(f"the file holds more than {MAX_CUES} cues")
        cues, warnings = self._cues_of(subs, fmt)
        if encoding != "utf-8":
            warnings.insert(0, f"the file was decoded as {encoding}")
        return ParsedSubtitles(format=fmt, encoding=encoding, cues=cues, warnings=warnings)

    def _cues_of(self, subs: pysubs2.SSAFile, fmt: SubtitleFormat) -> tuple[list[CueContent], list[str]]:
        cues: list[CueContent] = []
        warnings: list[str] = []
        tagged = 0
        for number, event in enumerate(subs.events, start=1):
            if event.is_comment:
                continue
            raw = event.plaintext
            if fmt is SubtitleFormat.VTT:
                raw = raw.split("\n\n", 1)[0]  # a WebVTT cue ends at the first blank line
            stripped, had_tags = strip_tags(raw)
            if fmt is SubtitleFormat.VTT:
                stripped = html.unescape(stripped)  # &amp; &lt; &gt; &nbsp; ... are escapes in WebVTT text
            tagged += had_tags or has_override_tags(event.text)
            spoken = spoken_lines(stripped)
            where = f"cue {number} at {_ts(event.start)}"
            if not spoken:
                warnings.append(f"{where}: empty text, dropped")
                continue
            if event.end <= event.start:
                warnings.append(f"{where}: zero or negative length, dropped")
                continue
            if event.start < 0 or event.end > MAX_TIMELINE_MS:
                warnings.append(f"{where}: outside the 24 h timeline, dropped")
                continue
            if len(spoken) > MAX_CUE_TEXT_CHARS:
                warnings.append(f"{where}: text longer than {MAX_CUE_TEXT_CHARS} characters, dropped")
                continue
            try:
                cues.append(CueContent.of(event.start, event.end, spoken))
            except InvariantViolated as exc:
                warnings.append(f"{where}: {exc.message}, dropped")
        if tagged:
            warnings.append(f"formatting tags removed from {tagged} cue(s) (kept out of the spoken text)")
        cues.sort(key=lambda c: (c.start_ms, c.end_ms))
        return cues, warnings

    def export_sync(self, cues: Sequence[CueContent], fmt: SubtitleFormat) -> bytes:
        if fmt in (SubtitleFormat.ASS, SubtitleFormat.SSA) and any(c.end_ms > SUBSTATION_MAX_MS for c in cues):
            raise InvalidInput(
                f"{fmt.value.upper()} files hold times up to 9:59:59.99; a cue ends later (use SRT or WebVTT)",
                [FieldError("format", "times past 9:59:59.99 cannot be written in this format")],
                code="not_representable",
            )
        return write(cues, fmt).encode("utf-8")
