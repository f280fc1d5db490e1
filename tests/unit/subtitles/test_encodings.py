"""Decoding subtitle bytes: marks (even lying ones), wide encodings without a mark, and the track's language."""

from __future__ import annotations

import pytest

from adapters.subtitles.reader import read_subtitles
from application.ports.subtitles import UnreadableSubtitles


def srt(*lines: str) -> str:
    blocks = [f"{i}\n00:00:0{i},000 --> 00:00:0{i},900\n{line}\n" for i, line in enumerate(lines, start=1)]
    return "\n".join(blocks)


SPANISH = srt("Los sueños de mañana", "¿Qué pasó, señor?", "Él está aquí")
DANISH = srt("Æbleskiver på søndag", "Hvad så, Søren?", "Går du hjem?")


@pytest.mark.parametrize(("text", "language"), [(SPANISH, "es"), (DANISH, "da")])
def test_western_code_pages_are_chosen_for_western_languages(text: str, language: str) -> None:
    parsed = read_subtitles(text.encode("cp1252"), language=language)
    assert parsed.encoding == "cp1252"
    assert [c.text for c in parsed.cues] == [block.split("\n")[2] for block in text.split("\n\n")]
    assert 0 < parsed.confidence < 1


@pytest.mark.parametrize(
    ("text", "encoding", "language"),
    [
        (srt("お元気ですか", "ありがとう、元気です"), "shift_jis", "ja"),
        (srt("你今天好嗎", "我很好，謝謝"), "big5", "zh-TW"),
        (srt("Привет, как дела?", "Хорошо, спасибо"), "cp1251", "ru"),
    ],
)
def test_asian_and_cyrillic_files_follow_the_track_language(text: str, encoding: str, language: str) -> None:
    parsed = read_subtitles(text.encode(encoding), language=language)
    assert [c.text for c in parsed.cues] == [block.split("\n")[2] for block in text.split("\n\n")]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_encodings_without_a_mark_are_recognised(encoding: str) -> None:
    text = srt("Γειά σου", "Καλημέρα")
    parsed = read_subtitles(text.encode(encoding))
    assert parsed.encoding == encoding
    assert [c.text for c in parsed.cues] == ["Γειά σου", "Καλημέρα"]


def test_a_utf8_mark_before_cp1252_text_is_ignored_with_a_warning() -> None:
    parsed = read_subtitles(b"\xef\xbb\xbf" + SPANISH.encode("cp1252"), language="es")
    assert parsed.encoding == "cp1252"
    assert parsed.cues[0].text == "Los sueños de mañana"
    assert any("byte-order mark" in w for w in parsed.warnings)


def test_utf8_and_marks_are_certain() -> None:
    assert read_subtitles(SPANISH.encode("utf-8")).confidence == 1.0
    assert read_subtitles(b"\xff\xfe" + SPANISH.encode("utf-16-le")).confidence == 1.0


def test_an_explicit_encoding_overrides_detection() -> None:
    parsed = read_subtitles(SPANISH.encode("cp1252"), encoding="latin-1")
    assert parsed.encoding == "iso8859-1"
    assert parsed.cues[0].text == "Los sueños de mañana"
    with pytest.raises(UnreadableSubtitles) as unknown:
        read_subtitles(SPANISH.encode("cp1252"), encoding="klingon-8")
    assert unknown.value.errors[0].field == "encoding"
    with pytest.raises(UnreadableSubtitles) as wrong:
        read_subtitles(SPANISH.encode("cp1252"), encoding="utf-8")
    assert wrong.value.line == 3
