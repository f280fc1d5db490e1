"""Cues → SRT, WebVTT and ASS/SSA text, speakers included (SRT `NAME: `, WebVTT `<v NAME>`, ASS Name)."""

from __future__ import annotations

from collections.abc import Sequence

import pysubs2

from domain.subtitles import CueContent, SubtitleFormat


def _clock(ms: int, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def _ordered(cues: Sequence[CueContent]) -> list[CueContent]:
    return sorted(cues, key=lambda c: (c.start_ms, c.end_ms))


def write_srt(cues: Sequence[CueContent]) -> str:
    blocks = []
    for number, cue in enumerate(_ordered(cues), start=1):
        text = cue.text if cue.speaker is None else f"{cue.speaker}: {cue.text}"
        timing = f"{_clock(cue.start_ms, ',')} --> {_clock(cue.end_ms, ',')}"
        blocks.append(f"{number}\n{timing}\n{text}\n")
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_vtt(cues: Sequence[CueContent]) -> str:
    blocks = ["WEBVTT\n"]
    for cue in _ordered(cues):
        text = _vtt_escape(cue.text)  # escaping `>` also keeps "-->" (a timing) out of the text
        if cue.speaker is not None:
            text = f"<v {_vtt_escape(cue.speaker)}>{text}"
        blocks.append(f"{_clock(cue.start_ms, '.')} --> {_clock(cue.end_ms, '.')}\n{text}\n")
    return "\n".join(blocks)


def write_substation(cues: Sequence[CueContent], fmt: SubtitleFormat) -> str:
    subs = pysubs2.SSAFile()
    for cue in _ordered(cues):
        text = cue.text.replace("\n", r"\N")
        subs.append(pysubs2.SSAEvent(start=cue.start_ms, end=cue.end_ms, text=text, name=cue.speaker or ""))
    return subs.to_string(fmt.value)


def write(cues: Sequence[CueContent], fmt: SubtitleFormat) -> str:
    if fmt is SubtitleFormat.SRT:
        return write_srt(cues)
    if fmt is SubtitleFormat.VTT:
        return write_vtt(cues)
    return write_substation(cues, fmt)
