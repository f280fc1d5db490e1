"""Cue timestamps: the WebVTT algorithm to the letter, and a lenient reading for SRT and repairs.

Every function scans one line once: no backtracking regular expression ever sees a whole file.
"""

from __future__ import annotations

import re

_WHITESPACE = " \t\n\f\r"
# hours optional; minutes and seconds of one or two digits; fraction of 1–3 digits after , . or :
_LENIENT = re.compile(r"(-?)(?:(\d{1,6}):)?(\d{1,2}):(\d{1,2})(?:[,.:](\d{1,3}))?")
_LENIENT_TIMING = re.compile(
    r"\s*(-?(?:\d{1,6}:)?\d{1,2}:\d{1,2}(?:[,.:]\d{1,3})?)\s*-{1,2}>\s*(-?(?:\d{1,6}:)?\d{1,2}:\d{1,2}(?:[,.:]\d{1,3})?)(.*)"
)


class BadTiming(ValueError):
    """A timing line that cannot be read; the message says why."""


def _digits(line: str, pos: int) -> int:
    """The position after the ASCII digits starting at `pos`."""
    end = len(line)
    while pos < end and line[pos].isascii() and line[pos].isdigit():
        pos += 1
    return pos


def _after(line: str, pos: int, sign: str) -> int | None:
    """The position after `sign` at `pos`, or None where it is not there."""
    return pos + 1 if line.startswith(sign, pos) else None


def vtt_timestamp(line: str, pos: int) -> tuple[int, int] | None:
    """(milliseconds, position after) for a WebVTT timestamp at `pos`, or None (W3C "collect a WebVTT timestamp")."""
    stop = _digits(line, pos)
    if stop == pos:
        return None
    value1 = int(line[pos:stop])
    hours_first = stop - pos != 2 or value1 > 59
    colon = _after(line, stop, ":")
    if colon is None:
        return None
    pos, stop = colon, _digits(line, colon)
    if stop - pos != 2:
        return None
    value2 = int(line[pos:stop])
    if hours_first or line.startswith(":", stop):
        colon = _after(line, stop, ":")
        if colon is None:
            return None
        pos, stop = colon, _digits(line, colon)
        if stop - pos != 2:
            return None
        value3 = int(line[pos:stop])
    else:
        value1, value2, value3 = 0, value1, value2
    dot = _after(line, stop, ".")
    if dot is None:
        return None
    pos, stop = dot, _digits(line, dot)
    if stop - pos != 3:
        return None
    value4 = int(line[pos:stop])
    if value2 > 59 or value3 > 59:
        return None
    return ((value1 * 60 + value2) * 60 + value3) * 1000 + value4, stop


def _skip_space(line: str, pos: int) -> int:
    while pos < len(line) and line[pos] in _WHITESPACE:
        pos += 1
    return pos


def vtt_timing(line: str) -> tuple[int, int, str] | None:
    """(start, end, settings) of a WebVTT timing line, or None where the W3C parser drops the cue."""
    pos = _skip_space(line, 0)
    start = vtt_timestamp(line, pos)
    if start is None:
        return None
    pos = _skip_space(line, start[1])
    if not line.startswith("-->", pos):
        return None
    pos = _skip_space(line, pos + 3)
    end = vtt_timestamp(line, pos)
    if end is None:
        return None
    return start[0], end[0], line[end[1] :].strip()


def lenient_timestamp(text: str) -> int:
    """Milliseconds of `H:MM:SS,mmm`, `MM:SS.mmm`, `H:MM:SS` (no fraction) or a 1–2 digit fraction (tenths,
    hundredths); raises BadTiming for negative or malformed values."""
    match = _LENIENT.fullmatch(text.strip())
    if match is None:
        raise BadTiming(f"{text.strip()!r} is not a time")
    sign, hours, minutes, seconds, fraction = match.groups()
    if sign:
        raise BadTiming(f"{text.strip()!r} is a negative time")
    if int(minutes) > 59 or int(seconds) > 59:
        raise BadTiming(f"{text.strip()!r} has minutes or seconds past 59")
    millis = int(fraction.ljust(3, "0")) if fraction else 0
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + millis


def looks_like_timing(line: str) -> bool:
    return "-->" in line or ("->" in line and _LENIENT_TIMING.fullmatch(line) is not None)


def lenient_timing(line: str) -> tuple[int, int]:
    """(start, end) of an SRT-style timing line, tolerant of the usual defects; raises BadTiming."""
    match = _LENIENT_TIMING.fullmatch(line)
    if match is None:
        raise BadTiming(f"{shown(line)!r} is not a cue timing (expected e.g. 00:00:01,000 --> 00:00:04,000)")
    return lenient_timestamp(match.group(1)), lenient_timestamp(match.group(2))


def shown(line: str) -> str:
    """A line as quoted in a warning: trimmed and cut to 60 characters."""
    line = line.strip()
    return line if len(line) <= 60 else line[:57] + "..."
