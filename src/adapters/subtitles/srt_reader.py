"""SubRip, read block by block with line numbers, so one bad cue costs that cue and nothing more.

Blocks are separated by blank lines. In a block, a line that reads as a timing starts a cue and the
lines after it are its text; a number right before a timing is that cue's index (so a last text line
that is a number stays text when a blank line follows it). A block without a timing is skipped with a
warning instead of being glued to the previous cue; a `-->` inside text stays text.
"""

from __future__ import annotations

import re

from adapters.subtitles.markup import srt_text
from adapters.subtitles.reading import MAX_RAW_TEXT, RawCue, Reading, Skip
from adapters.subtitles.timestamps import BadTiming, lenient_timing, looks_like_timing, shown

_STANDARD = re.compile(r"\s*(\d{2,6}):([0-5]\d):([0-5]\d),(\d{3}) --> (\d{2,6}):([0-5]\d):([0-5]\d),(\d{3})(?:\s.*)?")


def standard_timing(line: str) -> tuple[int, int] | None:
    """(start, end) of a well-formed `HH:MM:SS,mmm --> HH:MM:SS,mmm` line: the common case, read in one match."""
    match = _STANDARD.fullmatch(line)
    if match is None:
        return None
    h1, m1, s1, f1, h2, m2, s2, f2 = map(int, match.groups())
    return ((h1 * 60 + m1) * 60 + s1) * 1000 + f1, ((h2 * 60 + m2) * 60 + s2) * 1000 + f2


def _blocks(lines: list[str]) -> list[list[tuple[int, str]]]:
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            current.append((number, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_index(line: str) -> bool:
    return line.strip().isdigit()


class _Block:
    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.cue: RawCue | None = None
        self.text: list[str] = []
        self.before: list[tuple[int, str]] = []  # lines before the block's first timing
        self.discarding = False  # after a timing that could not be read: its text goes with it

    def flush(self, *, next_is_timing: bool) -> None:
        if self.cue is not None:
            if next_is_timing and self.text and _is_index(self.text[-1]):
                self.text.pop()  # the next cue's index, not this cue's text
            if sum(map(len, self.text)) > MAX_RAW_TEXT:
                self.reading.skip(self.cue.line, f"text longer than {MAX_RAW_TEXT} characters")
            else:
                self.cue.text, self.cue.had_markup = srt_text("\n".join(self.text))
                self.reading.cues.append(self.cue)
        self.cue, self.text, self.discarding = None, [], False

    def timing(self, number: int, start: int, end: int) -> None:
        self.flush(next_is_timing=True)
        stray = [(n, line) for n, line in self.before if not _is_index(line)]
        if stray and self.reading.room():
            self.reading.skipped.append(Skip(stray[0][0], f"{shown(stray[0][1])!r} has no cue timing before it"))
        self.before = []
        self.cue = RawCue(line=number, start_ms=start, end_ms=end, text="")

    def bad_timing(self, number: int, reason: str) -> None:
        self.flush(next_is_timing=True)
        self.before = []
        self.reading.skip(number, reason)
        self.discarding = True

    def text_line(self, number: int, line: str) -> None:
        if self.discarding:
            return
        if self.cue is None:
            self.before.append((number, line))
        else:
            self.text.append(line)

    def finish(self) -> None:
        self.flush(next_is_timing=False)
        stray = [(n, line) for n, line in self.before if not _is_index(line)]
        if stray and self.reading.room():
            self.reading.skipped.append(
                Skip(stray[0][0], f"{shown(stray[0][1])!r} is not a cue number, a cue timing or a subtitle header")
            )
        elif self.before and not stray:
            self.reading.skip(self.before[0][0], "a cue number without a timing line")


def read_srt(text: str) -> Reading:
    reading = Reading()
    for block in _blocks(text.split("\n")):
        state = _Block(reading)
        for position, (number, line) in enumerate(block):
            standard = standard_timing(line) if "-->" in line else None
            if standard is not None:
                state.timing(number, *standard)
                continue
            if not looks_like_timing(line):
                state.text_line(number, line)
                continue
            try:
                start, end = lenient_timing(line)
            except BadTiming as exc:
                # A line right after an index (or opening the block) is this cue's timing, however broken;
                # anywhere else a "-->" is part of the text.
                previous = block[position - 1][1] if position else None
                opens_cue = previous is None or (
                    _is_index(previous) and (state.cue is None or state.text[-1:] == [previous])
                )
                if opens_cue:
                    state.bad_timing(number, str(exc))
                else:
                    state.text_line(number, line)
                continue
            reading.repaired(number, f"timing {shown(line)!r} read leniently")
            state.timing(number, start, end)
        state.finish()
    return reading
