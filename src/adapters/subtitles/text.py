"""Cue text as spoken: formatting tags out, one line per spoken line."""

from __future__ import annotations

import re

# HTML-like tags (<i>, </font>, <c.yellow>, <v Alba>) and WebVTT inline timestamps (<00:17.500>).
_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>|<(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}>")
# ASS override blocks ({\i1}, {\an8}) and any other {...} block: formatting in every format we read.
_OVERRIDE = re.compile(r"\{[^{}\n]*\}")


def strip_tags(text: str) -> tuple[str, bool]:
    """(text without formatting tags, whether any were removed)."""
    stripped = _OVERRIDE.sub("", _TAG.sub("", text))
    return stripped, stripped != text


def has_override_tags(text: str) -> bool:
    return _OVERRIDE.search(text) is not None


def spoken_lines(text: str) -> str:
    """Each line trimmed, blank lines dropped, joined with newlines."""
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def ass_escape(text: str) -> str:
    """Plain text for an ASS/SRT/VTT event: newlines as \\N."""
    return text.replace("\n", r"\N")
