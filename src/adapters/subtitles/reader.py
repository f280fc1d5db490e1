"""A subtitle file → cues and an import report, in time linear in its size (see markup and timestamps).

Decoding, sniffing the format, reading it cue by cue, then one pass that turns each raw cue into a
CueContent: blank and impossible cues are skipped with the line they start at, speakers are taken from
the format (ASS Name, WebVTT `<v>`) or a `NAME:` prefix, and non-speech cues are marked.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePath

from adapters.subtitles.ass_reader import is_ssa, is_substation, read_ass
from adapters.subtitles.encoding import decode
from adapters.subtitles.markup import lines_of
from adapters.subtitles.reading import MAX_RAW_TEXT, RawCue, Reading, Skip
from adapters.subtitles.speech import Speech, is_spoken
from adapters.subtitles.srt_reader import read_srt
from adapters.subtitles.vtt_reader import has_signature, read_vtt
from application.ports.subtitles import ParsedSubtitles, SkippedCue, UnreadableSubtitles
from domain.subtitles import MAX_CUE_TEXT_CHARS, MAX_SPEAKER_CHARS, MAX_TIMELINE_MS, CueContent, SubtitleFormat

# More than this many cues in one file is not a subtitle track (a 5 MiB SRT holds about 80 000).
MAX_CUES = 200_000
MAX_WARNED = 100  # skipped or repaired lines named in `warnings`; the report names up to 1000


def read_subtitles(
    data: bytes, *, filename: str | None = None, language: str | None = None, encoding: str | None = None
) -> ParsedSubtitles:
    decoded = decode(data, language=language, encoding=encoding)
    text = decoded.text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    fmt, reading = _read(text, filename)
    if len(reading.cues) > MAX_CUES:
        raise UnreadableSubtitles(f"the file holds more than {MAX_CUES} cues")
    cues = _finish(reading)
    skipped = sorted(reading.skipped, key=lambda s: s.line)
    if not cues:
        if skipped:
            raise UnreadableSubtitles(f"{skipped[0].reason}; the file holds no usable cue", line=skipped[0].line)
        raise UnreadableSubtitles("the file holds no cues", line=1)
    cues.sort(key=lambda c: (c.start_ms, c.end_ms))
    tagged = sum(cue.had_markup for cue in reading.cues)
    skipped_total = len(skipped) + reading.unnamed_skips
    warnings = [*decoded.warnings]
    warnings += [f"line {r.line}: {r.reason}" for r in reading.repairs[:MAX_WARNED]]
    warnings += [f"line {s.line}: {s.reason}, skipped" for s in skipped[:MAX_WARNED]]
    if skipped_total > MAX_WARNED:
        warnings.append(f"{skipped_total - MAX_WARNED} more cue(s) or line(s) skipped")
    if tagged:
        warnings.append(f"formatting tags removed from {tagged} cue(s) (kept out of the spoken text)")
    speakers = Counter(cue.speaker for cue in cues if cue.speaker is not None)
    return ParsedSubtitles(
        format=fmt,
        encoding=decoded.encoding,
        confidence=decoded.confidence,
        cues=cues,
        warnings=warnings,
        skipped=[SkippedCue(line=s.line, reason=s.reason) for s in skipped],
        skipped_total=skipped_total,
        speakers=dict(speakers.most_common()),
        non_speech=sum(not cue.spoken for cue in cues),
    )


def _read(text: str, filename: str | None) -> tuple[SubtitleFormat, Reading]:
    if has_signature(text):
        reading = read_vtt(text)
        if reading is None:  # has_signature() said it is WebVTT: the reader cannot refuse it
            raise RuntimeError("a WebVTT signature without a WebVTT reading")
        return SubtitleFormat.VTT, reading
    if is_substation(text):
        return (SubtitleFormat.SSA if is_ssa(text) else SubtitleFormat.ASS), read_ass(text)
    reading = read_srt(text)
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".vtt" and reading.cues:
        reading.repairs.insert(0, Skip(1, "no WEBVTT header; the cues were read as SubRip-style blocks"))
        return SubtitleFormat.VTT, reading
    return SubtitleFormat.SRT, reading


def _finish(reading: Reading) -> list[CueContent]:
    speech = Speech(cue.text.lstrip() for cue in reading.cues)
    cues: list[CueContent] = []
    for raw in reading.cues:
        content = _content(raw, speech, reading)
        if content is not None:
            cues.append(content)
    return cues


def _content(raw: RawCue, speech: Speech, reading: Reading) -> CueContent | None:
    if len(raw.text) > MAX_RAW_TEXT:
        reading.skip(raw.line, f"text longer than {MAX_RAW_TEXT} characters")
        return None
    text = lines_of(raw.text)
    reason = _timing_problem(raw)
    if reason is None and not text:
        reason = "empty text"
    if reason is not None:
        reading.skip(raw.line, reason)
        return None
    label, text = speech.speaker_of(text)
    text = lines_of(text)
    speaker = label or raw.speaker  # a label in the text (`MAN:`) is never spoken and names the speaker
    if len(text) > MAX_CUE_TEXT_CHARS:
        reading.skip(raw.line, f"text longer than {MAX_CUE_TEXT_CHARS} characters")
        return None
    if not text:
        reading.skip(raw.line, "empty text")
        return None
    speaker = None if speaker is None else speaker[:MAX_SPEAKER_CHARS].strip()
    return CueContent.of(raw.start_ms, raw.end_ms, text, speaker=speaker, spoken=is_spoken(text))


def _timing_problem(raw: RawCue) -> str | None:
    if raw.end_ms <= raw.start_ms:
        return "zero or negative length"
    if raw.end_ms > MAX_TIMELINE_MS:
        return "outside the 24 h timeline"
    return None
