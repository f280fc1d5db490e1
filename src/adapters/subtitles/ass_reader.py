"""ASS and SSA, read line by line: the [Events] `Format:` line says where each field is (in any order),
and a Dialogue line that cannot be read is skipped with a warning naming it, not the whole file.

Structure only is taken from the file; the text goes through `markup.ass_text` (linear time, vector
drawings out), never through pysubs2's regular expressions.
"""

from __future__ import annotations

from adapters.subtitles.markup import ass_text
from adapters.subtitles.reading import RawCue, Reading, Skip
from adapters.subtitles.timestamps import BadTiming, lenient_timestamp, shown

_ASS_FORMAT = ["layer", "start", "end", "style", "name", "marginl", "marginr", "marginv", "effect", "text"]
_SSA_FORMAT = ["marked", "start", "end", "style", "name", "marginl", "marginr", "marginv", "effect", "text"]
_IGNORED = {"comment", "picture", "sound", "movie", "command"}


def is_substation(text: str) -> bool:
    return any(line.strip().lower() in ("[script info]", "[events]") for line in text.split("\n", 200)[:200])


def is_ssa(text: str) -> bool:
    head = text[:4096].lower()
    return "[v4 styles]" in head or ("scripttype: v4.00" in head and "scripttype: v4.00+" not in head)


def read_ass(text: str) -> Reading:
    reading = Reading()
    fields = _SSA_FORMAT if is_ssa(text) else _ASS_FORMAT
    section = ""
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line.lower()
            continue
        if section != "[events]" or not line or line.startswith(";"):
            continue
        key, colon, value = line.partition(":")
        key = key.strip().lower()
        if not colon:
            if reading.room():
                reading.skipped.append(Skip(number, f"{shown(line)!r} is not an event line"))
        elif key == "format":
            declared = [name.strip().lower() for name in value.split(",")]
            if {"start", "end", "text"} <= set(declared) and declared[-1] == "text":
                fields = declared
            else:
                reading.skip(number, "a Format line without Start, End and a last Text field, ignored")
        elif key == "dialogue":
            cue = _dialogue(number, value, fields, reading)
            if cue is not None:
                reading.cues.append(cue)
        elif key not in _IGNORED and reading.room():
            reading.skipped.append(Skip(number, f"{shown(line)!r} is not an event line"))
    return reading


def _dialogue(number: int, value: str, fields: list[str], reading: Reading) -> RawCue | None:
    parts = value.lstrip().split(",", len(fields) - 1)
    if len(parts) < len(fields):
        reading.skip(number, f"a Dialogue line with {len(parts)} of its {len(fields)} fields")
        return None
    row = dict(zip(fields, parts, strict=True))
    try:
        start, end = lenient_timestamp(row["start"]), lenient_timestamp(row["end"])
    except BadTiming as exc:
        reading.skip(number, str(exc))
        return None
    plain, had_markup = ass_text(row["text"])
    speaker = " ".join(row.get("name", "").split()) or None
    return RawCue(line=number, start_ms=start, end_ms=end, text=plain, speaker=speaker, had_markup=had_markup)
