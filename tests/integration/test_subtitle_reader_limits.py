"""No subtitle file can hold a reader for long: 5 MiB of each pattern that made regex-based readers run in
quadratic time is read (or refused) well within the limit, and a read past the limit kills its process."""

from __future__ import annotations

import pytest

from adapters.subtitles.isolation import IsolatedReader
from application.ports.subtitles import SubtitlesTooComplex, UnreadableSubtitles

FIVE_MIB = 5 * 1024 * 1024
HEADS = {
    "srt": b"1\n00:00:01,000 --> 00:00:02,000\n",
    "vtt": b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n",
    "ass": (
        b"[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
        b"Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        b"Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,"
    ),
}
# Unclosed tags and override blocks (pysubs2's `< */? *[a-zA-Z][^>]*>` and `{[^}]*}`), drawings, escapes,
# references, arrows and speaker-like prefixes, on one line and spread over many.
PATTERNS = [b"<a", b"{", b"< a", b"{\\p1}", b"\\N", b"&amp", b"-->", b"A: ", b"[", b"<a\n", b"{\n", b"<v a\n"]


@pytest.fixture(scope="module")
def reader() -> IsolatedReader:
    return IsolatedReader(time_limit_s=20.0, workers=1)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(HEADS))
@pytest.mark.parametrize("pattern", PATTERNS, ids=repr)
def test_5_mib_of_a_hostile_pattern_is_read_within_the_limit(reader: IsolatedReader, fmt: str, pattern: bytes) -> None:
    data = HEADS[fmt] + pattern * ((FIVE_MIB - len(HEADS[fmt])) // len(pattern))
    try:
        parsed = reader.read(data, filename=f"hostile.{fmt}")
    except UnreadableSubtitles as exc:  # no usable cue: refused with a line, not a hang
        refused: UnreadableSubtitles | None = exc
    else:
        refused = None
        assert parsed.format.value == fmt
    assert refused is None or refused.line is not None


def test_a_read_past_the_limit_is_refused_and_its_process_replaced() -> None:
    reader = IsolatedReader(time_limit_s=0, workers=1)  # no answer can be waited for
    data = HEADS["srt"] + b"Hello\n"
    cue = b"\n%d\n00:00:%02d,000 --> 00:00:%02d,500\nLine\n"
    slow = data + b"".join(cue % (n, n % 60, n % 60) for n in range(2, 40_000))
    with pytest.raises(SubtitlesTooComplex):  # a file that takes a while: a tiny one may answer before the poll
        reader.read(slow)
    reader.time_limit_s = 30.0
    assert reader.read(data).cues[0].text == "Hello"
    reader.close()
