"""Cue text without its markup, in time linear in the text.

Every pattern here stops at the next `<`, `{` or line end, so 5 MiB of unclosed `<a` or `{` costs one
pass (the patterns pysubs2 uses run to the end of the input from every opening character).
"""

from __future__ import annotations

import html
import re

# HTML-like tags of SRT files (<i>, </font>, <font color="red">): a letter right after `<` or `</`.
_SRT_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
# ASS override blocks ({\i1}, {\an8}); any {...} block is formatting in SRT files too.
_OVERRIDE = re.compile(r"\{[^{}\n]*\}")
_DRAWING = re.compile(r"\\p(\d+)")
_ASS_ESCAPES = {"\\N": "\n", "\\n": "\n", "\\h": "\u00a0"}
_ASS_ESCAPE = re.compile(r"\\[Nnh]")
# Character references many SRT files carry (`&amp;`, `&nbsp;`, `&#39;`, `&lrm;`): only terminated ones, so
# `AT&T` or `R&D` stay as written.
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def srt_text(text: str) -> tuple[str, bool]:
    """(text without tags and override blocks, character references decoded; whether any markup was removed)."""
    stripped = _OVERRIDE.sub("", _SRT_TAG.sub("", text))
    return _REFERENCE.sub(lambda match: html.unescape(match.group()), stripped), stripped != text


def ass_text(text: str) -> tuple[str, bool]:
    """(plain text of an ASS event, whether it held markup): override blocks out, vector drawings
    (between `{\\p1}` and `{\\p0}`) out, `\\N` `\\n` as line breaks and `\\h` as a hard space."""
    parts: list[str] = []
    drawing = False
    position = 0
    had_markup = False
    for block in _OVERRIDE.finditer(text):
        had_markup = True
        if not drawing:
            parts.append(text[position : block.start()])
        for scale in _DRAWING.findall(block.group()):
            drawing = int(scale) > 0
        position = block.end()
    if not drawing:
        parts.append(text[position:])
    plain = "".join(parts)
    plain = _ASS_ESCAPE.sub(lambda m: _ASS_ESCAPES[m.group()], plain)
    return plain, had_markup


def vtt_text(text: str) -> tuple[str, str | None, bool]:
    """(plain text, first voice annotation, whether it held tags) of WebVTT cue text: tags out (a `<`
    without `>` runs to the end, as the W3C tokenizer reads it), character references decoded."""
    parts: list[str] = []
    speaker: str | None = None
    position = 0
    had_tags = False
    while True:
        opening = text.find("<", position)
        if opening < 0:
            parts.append(text[position:])
            break
        parts.append(text[position:opening])
        had_tags = True
        closing = text.find(">", opening + 1)
        tag = text[opening + 1 : closing if closing >= 0 else len(text)]
        if speaker is None and (tag.startswith(("v ", "v\t", "v.")) or tag == "v"):
            speaker = _annotation(tag)
        if closing < 0:
            break
        position = closing + 1
    plain = html.unescape("".join(parts))
    return plain, speaker, had_tags


def _annotation(tag: str) -> str | None:
    """The annotation of a `<v.class Name>` start tag: after the first whitespace."""
    for index, char in enumerate(tag):
        if char in " \t\n\f":
            name = " ".join(html.unescape(tag[index + 1 :]).split())
            return name or None
    return None


def lines_of(text: str) -> str:
    """Each line trimmed, blank lines dropped, joined with newlines."""
    return "\n".join(line for line in (raw.strip() for raw in text.split("\n")) if line)
