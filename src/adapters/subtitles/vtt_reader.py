"""WebVTT, read with the W3C/WHATWG file parsing algorithm (https://w3c.github.io/webvtt/#file-parsing).

The algorithm is followed step by step over lines instead of characters; `repair` adds one thing to
it: a timing line the algorithm rejects but a lenient reading understands (`00:02:04.08`,
`00:01:39 --> ...`) keeps its cue, with a warning naming the line. Without `repair` the reader is the
spec's, which the web-platform-tests suite checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.subtitles.markup import vtt_text
from adapters.subtitles.reading import MAX_RAW_TEXT, RawCue, Reading, Skip
from adapters.subtitles.timestamps import BadTiming, lenient_timing, shown, vtt_timing


@dataclass(slots=True)
class VttCue:
    """A cue as the W3C parser builds it: identifier, times and the raw cue text (markup included)."""

    line: int
    identifier: str
    start_ms: int
    end_ms: int
    settings: str
    text: str


@dataclass(slots=True)
class VttFile(Reading):
    vtt_cues: list[VttCue] = field(default_factory=list)


def has_signature(text: str) -> bool:
    """`WEBVTT` alone on its line, or followed by a space or a tab (a byte-order mark is already gone)."""
    return text.startswith("WEBVTT") and (len(text) == 6 or text[6] in " \t\n")


def preprocess(text: str) -> str:
    return text.replace("\x00", "\ufffd").replace("\r\n", "\n").replace("\r", "\n")


def _is_comment_or_definition(line: str) -> bool:
    """NOTE comments, STYLE sheets and REGION definitions: blocks without a timing by design."""
    return any(line == word or line.startswith((word + " ", word + "\t")) for word in ("NOTE", "STYLE", "REGION"))


class _Parser:
    def __init__(self, lines: list[str], repair: bool) -> None:
        self.lines = lines
        self.repair = repair
        self.position = 0
        self.seen_cue = False
        self.out = VttFile()

    def skip_blank_lines(self) -> None:
        while self.position < len(self.lines) and self.lines[self.position] == "":
            self.position += 1

    def _timing(self, number: int, line: str) -> tuple[int, int, str] | None:
        timing = vtt_timing(line)
        if timing is not None or not self.repair:
            if timing is None and self.out.room():
                self.out.skipped.append(Skip(number, f"{shown(line)!r} is not a WebVTT cue timing"))
            return timing
        try:
            start, end = lenient_timing(line)
        except BadTiming as exc:
            self.out.skip(number, str(exc))
            return None
        self.out.repaired(number, f"timing {shown(line)!r} read leniently")
        return start, end, ""

    def block(self, *, in_header: bool) -> None:
        """Collect a WebVTT block; a cue block adds its cue to the output."""
        line_count = 0
        first = self.position + 1
        previous = self.position
        buffer: list[str] = []
        seen_arrow = False
        cue: VttCue | None = None
        while self.position < len(self.lines):
            line = self.lines[self.position]
            self.position += 1
            line_count += 1
            if "-->" in line:
                if not in_header and (line_count == 1 or (line_count == 2 and not seen_arrow)):
                    seen_arrow = True
                    previous = self.position
                    timing = self._timing(self.position, line)
                    if timing is not None:
                        start, end, settings = timing
                        cue = VttCue(self.position, "\n".join(buffer), start, end, settings, "")
                        buffer = []
                        self.seen_cue = True
                    else:
                        cue = None
                else:
                    self.position = previous
                    break
            elif line == "":
                break
            else:
                buffer.append(line)
                previous = self.position
        if cue is not None:
            cue.text = "\n".join(buffer)
            self.out.vtt_cues.append(cue)
        elif (
            not in_header and not seen_arrow and buffer and not _is_comment_or_definition(buffer[0]) and self.out.room()
        ):
            self.out.skipped.append(Skip(first, f"{shown(buffer[0])!r} has no cue timing"))

    def run(self) -> VttFile:
        self.position = 1  # the signature line, whatever follows WEBVTT on it
        if self.position < len(self.lines):
            if self.lines[self.position] != "":
                self.block(in_header=True)
            else:
                self.position += 1
        self.skip_blank_lines()
        while self.position < len(self.lines):
            self.block(in_header=False)
            self.skip_blank_lines()
        return self.out


def parse_vtt(text: str, *, repair: bool = True) -> VttFile | None:
    """The cues of a WebVTT file; None when it has no WebVTT signature."""
    text = preprocess(text)
    if not has_signature(text):
        return None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the last line's terminator, not an empty line
    return _Parser(lines, repair).run()


def read_vtt(text: str) -> Reading | None:
    parsed = parse_vtt(text)
    if parsed is None:
        return None
    reading = Reading(skipped=parsed.skipped, repairs=parsed.repairs, unnamed_skips=parsed.unnamed_skips)
    for cue in parsed.vtt_cues:
        if len(cue.text) > MAX_RAW_TEXT:
            reading.skip(cue.line, f"text longer than {MAX_RAW_TEXT} characters")
            continue
        plain, speaker, had_tags = vtt_text(cue.text)
        reading.cues.append(
            RawCue(
                line=cue.line,
                start_ms=cue.start_ms,
                end_ms=cue.end_ms,
                text=plain,
                speaker=speaker,
                had_markup=had_tags,
            )
        )
    return reading
