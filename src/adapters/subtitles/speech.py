"""Who speaks a cue and whether it is speech at all, read from its text.

Speaker prefixes recognised on the first line (the prefix leaves the text):
- `[NAME]:`, a diarisation label `[SPEAKER_01]` followed by text, or a title-case `[Name]` followed by text
  when that label opens at least two cues of the file (Netflix style; `[Music] ...` once is not a speaker),
- `NAME:` in capitals (`JOHN:`, `DR. WHO:`, `GUARD 2:`, `MAN (ON PHONE):` → `MAN`),
- `Name:` in title case (`Mary:`, `Mary Jane:`) only when the same name opens at least two cues of the file,
  so that a sentence such as `Note: ...` is not taken for a speaker.

A cue is not speech (`spoken: false`) when every line is a sound description in brackets or
parentheses (`[door slams]`, `(laughs)`) or carries music notes (`♪ ... ♪`); its text is kept.
A dash-split dialogue (`- Hi.` / `- Hello.`) stays one cue: its timing is shared, and splitting it
would invent timings; a speaker prefix on its first turn still names the cue's speaker.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_BRACKETED = re.compile(r"\s*(?:-\s*)?\[([^\[\]\n]{1,60})\](\s*:)?\s+(?=\S)")
_CAPITALS = re.compile(
    r"\s*(?:-\s*)?([A-Z\u00c0-\u00de][A-Z0-9\u00c0-\u00de .'\-]{0,38}[A-Z0-9\u00c0-\u00de.])"
    r"(?:\s*\([^()\n]{1,40}\))?\s*:\s+(?=\S)"  # an optional qualifier: MAN (ON PHONE):
)
_TITLE = re.compile(
    r"\s*(?:-\s*)?([A-Z][a-z\u00df-\u00ff'\-]{1,20}(?: [A-Z][a-z\u00df-\u00ff'\-]{1,20}){0,2})\s*:\s+(?=\S)"
)
_TITLE_NAME = re.compile(r"[A-Z][a-z\u00df-\u00ff'\-]{1,20}(?: [A-Z][a-z\u00df-\u00ff'\-]{1,20}){0,2}")
_DESCRIPTION = re.compile(r"\s*(?:-\s*)?(?:\[[^\[\]\n]*\]|\([^()\n]*\))\s*")
_MUSIC = "♪♫♬♩"
_NOT_NAMES = {"NOTE", "WARNING", "PS", "P.S.", "TIP", "ATTENTION", "NB", "N.B."}


class Speech:
    """Speaker and non-speech reading for one file: title-case names are counted over all its cues first."""

    def __init__(self, texts: Iterable[str]) -> None:
        counted: Counter[str] = Counter()
        bracketed: Counter[str] = Counter()
        for text in texts:
            match = _TITLE.match(text)
            if match:
                counted[match.group(1)] += 1
            label = _BRACKETED.match(text)
            if label and _TITLE_NAME.fullmatch(label.group(1)):
                bracketed[label.group(1)] += 1
        self._titles = {name for name, count in counted.items() if count >= 2}
        self._labels = {name for name, count in bracketed.items() if count >= 2}

    def speaker_of(self, text: str) -> tuple[str | None, str]:
        """(speaker, text without the prefix); (None, text) when the first line names nobody."""
        for pattern in (_BRACKETED, _CAPITALS, _TITLE):
            match = pattern.match(text)
            if match is None:
                continue
            name = match.group(1).strip()
            if pattern is _CAPITALS and (name.upper() in _NOT_NAMES or not any(c.isalpha() for c in name)):
                continue
            if pattern is _TITLE and name not in self._titles:
                continue
            if pattern is _BRACKETED and match.group(2) is None and not (_is_label(name) or name in self._labels):
                continue
            dash = "- " if text.lstrip().startswith("-") else ""
            return name, dash + text[match.end() :]
        return None, text


def _is_label(name: str) -> bool:
    """Without a colon only a diarisation label (`[SPEAKER_01] text`) names a speaker: `[LAUGHS] text` does not."""
    return " " not in name and any(c.isdigit() or c == "_" for c in name)


def is_spoken(text: str) -> bool:
    """False when every line is a bracketed or parenthesised description or carries music notes; a
    description may run over several lines (`(computer playing` / `electronic melody)`)."""
    for line in _described_lines(text):
        line = line.strip()
        if not line or any(note in line for note in _MUSIC):
            continue
        if _DESCRIPTION.sub("", line).strip(" -.,:;!?…") == "":
            continue
        return True
    return False


def _described_lines(text: str) -> list[str]:
    """The cue's lines, a line that opens a bracket or parenthesis joined with those that close it."""
    lines: list[str] = []
    pending = ""
    for line in text.split("\n"):
        pending = f"{pending} {line}" if pending else line
        if pending.count("(") <= pending.count(")") and pending.count("[") <= pending.count("]"):
            lines.append(pending)
            pending = ""
    if pending:
        lines.append(pending)
    return lines
