"""Expectations of other projects' test suites, on their own files (the shared corpus keeps the originals).

From webvtt-py (tests/test_webvtt_parser.py and tests/test_srt.py, MIT) and pysrt (tests/test_srtfile.py):
each expectation is transcribed with the assertion it comes from. Deliberate deviations, each tested as
such below:
- a speaker label leaves the cue text and becomes the cue's `speaker` (`[Alba] En 1928,` → speaker
  `Alba`, text `En 1928,`), since the text is what gets spoken;
- `00:00:07,000 --> 00:00:11.890` (a `.` in an SRT timing): webvtt-py drops the cue, subdub keeps it with a
  warning naming the line (4 → 5 cues);
- stored text is trimmed line by line (`"...telling\\n "` → `"...telling"`);
- `<v Not an actual voice span here` (no `>`): the W3C cue-text tokenizer reads an unclosed `<` as a tag
  running to the end of the cue, so the cue has no text and is skipped with a warning; webvtt-py keeps the
  characters as text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.subtitles.reader import read_subtitles
from application.ports.subtitles import ParsedSubtitles, UnreadableSubtitles


@pytest.fixture
def corpus(shared_dir: Path) -> Path:
    folder = shared_dir / "corpus" / "subtitles"
    if not folder.is_dir():
        pytest.skip("the shared corpus is not here")
    return folder


def read(folder: Path, name: str) -> ParsedSubtitles:
    return read_subtitles((folder / name).read_bytes(), filename=name)


def texts(parsed: ParsedSubtitles) -> list[str]:
    return [cue.text for cue in parsed.cues]


def test_webvtt_py_captions_with_bom(corpus: Path) -> None:
    assert len(read(corpus, "captions_with_bom.vtt").cues) == 4  # test_parse_captions_with_bom


def test_webvtt_py_comments(corpus: Path) -> None:
    parsed = read(corpus, "comments.vtt")  # test_parse_comments
    assert len(parsed.cues) == 3
    assert texts(parsed)[0] == "- Ta en kopp varmt te.\n- Det är inte varmt."
    assert texts(parsed)[2] == "- Ta en kopp"


def test_webvtt_py_styles(corpus: Path) -> None:
    assert len(read(corpus, "styles.vtt").cues) == 1  # test_parse_styles


def test_webvtt_py_clean_cue_tags(corpus: Path) -> None:
    parsed = read(corpus, "cue_tags.vtt")  # test_clean_cue_tags
    assert texts(parsed)[1:3] == ["Like a big-a pizza pie", "That's amore"]


def test_webvtt_py_netflix_with_speaker_labels(corpus: Path) -> None:
    parsed = read(corpus, "netflix_chicas_del_cable.vtt")  # test_empty_lines_are_not_included_in_result
    assert (parsed.cues[0].speaker, parsed.cues[0].text) == ("Alba", "En 1928,")  # deviation: label → speaker
    assert parsed.cues[-2].text == "Diez años no son suficientes\npara olvidarte..."
    assert len(parsed.cues) == 865


def test_webvtt_py_youtube_dl(corpus: Path) -> None:
    parsed = read(corpus, "youtube_dl.vtt")  # test_can_parse_youtube_dl_files
    assert parsed.cues[2].text == "this will happen is I'm telling"  # deviation: lines trimmed


def test_webvtt_py_srt_recovery(corpus: Path) -> None:
    assert len(read(corpus, "missing_caption_text.srt").cues) == 4  # test_empty_gets_removed
    parsed = read(corpus, "invalid_timeframe.srt")  # test_invalid_timestamp expects 4: deviation, see above
    assert len(parsed.cues) == 5
    assert any("read leniently" in warning for warning in parsed.warnings)


def test_webvtt_py_voice_spans() -> None:
    parsed = read_subtitles(  # test_parse_voice_spans
        b"WEBVTT\n\n00:00:00.000 --> 00:00:00.800\n<v.quiet.slow Lisa Simpson>Knock knock</v>\n\n"
        b"00:00:02.100 --> 00:00:06.500\n<v Homer Simpson>Who's there?</v>\n\n"
        b"00:00:10.530 --> 00:00:11.090\n<v.loud Lisa Simpson>Atish</v>\n"
    )
    assert [(c.start_ms, c.end_ms, c.text, c.speaker) for c in parsed.cues] == [
        (0, 800, "Knock knock", "Lisa Simpson"),
        (2100, 6500, "Who's there?", "Homer Simpson"),
        (10530, 11090, "Atish", "Lisa Simpson"),
    ]


def test_webvtt_py_unclosed_voice_tag_is_read_as_the_w3c_tokenizer_reads_it() -> None:
    with pytest.raises(UnreadableSubtitles) as caught:  # deviation from test_parse_caption_not_a_voice_span
        read_subtitles(b"WEBVTT\n\n00:00:00.000 --> 00:00:00.800\n<v Not an actual voice span here\n")
    assert caught.value.line == 3


def test_pysrt_windows_1252_film(corpus: Path) -> None:
    parsed = read_subtitles((corpus / "windows-1252.srt").read_bytes(), language="fr")  # test_srtfile: 1332 items
    assert parsed.encoding == "cp1252"
    assert len(parsed.cues) == 1332


@pytest.mark.parametrize(("name", "count"), [("bom-utf-16-le.srt", 7), ("bom-utf-32-be.srt", 7)])
def test_pysrt_byte_order_marks(corpus: Path, name: str, count: int) -> None:
    assert len(read(corpus, name).cues) == count  # test_srtfile: utf-16/utf-32 BOM files open with 7 items
