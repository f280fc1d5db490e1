"""The subtitle readers on the defects real files have: each cue kept, repaired or skipped with its line."""

from __future__ import annotations

import pytest

from adapters.subtitles.reader import read_subtitles
from application.ports.subtitles import ParsedSubtitles, UnreadableSubtitles


def read(text: str, **options: str) -> ParsedSubtitles:
    return read_subtitles(text.encode("utf-8"), **options)


def timed(parsed: ParsedSubtitles) -> list[tuple[int, int, str]]:
    return [(c.start_ms, c.end_ms, c.text) for c in parsed.cues]


def test_a_vtt_line_with_inline_timestamps_is_text_not_a_timing() -> None:
    parsed = read(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n"
        "<00:00:01.000><c> never</c><00:00:01.500><c> gonna</c><00:00:02.000><c> give</c>\n"
    )
    assert timed(parsed) == [(1000, 3000, "never gonna give")]


def test_two_digit_fractions_are_hundredths_in_every_format() -> None:
    vtt = read("WEBVTT\n\n00:02:04.08 --> 00:02:05.5\nhi\n")
    srt = read("1\n00:02:04,08 --> 00:02:05,5\nhi\n")
    assert timed(vtt) == timed(srt) == [(124_080, 125_500, "hi")]
    assert any("line 3" in w and "leniently" in w for w in vtt.warnings)


def test_a_timing_without_milliseconds_keeps_its_cue() -> None:
    parsed = read("1\n00:01:39 --> 00:01:41\nFirst\n\n2\n00:01:42,000 --> 00:01:43,000\nSecond\n")
    assert timed(parsed) == [(99_000, 101_000, "First"), (102_000, 103_000, "Second")]
    assert any(w.startswith("line 2:") for w in parsed.warnings)


def test_a_missing_timing_line_skips_that_cue_and_names_its_line() -> None:
    parsed = read(
        "1\n00:00:01,000 --> 00:00:02,000\nOne\n\n2\nTwo has no timing\n\n3\n00:00:05,000 --> 00:00:06,000\nThree\n"
    )
    assert timed(parsed) == [(1000, 2000, "One"), (5000, 6000, "Three")]
    assert [(s.line, "cue timing" in s.reason) for s in parsed.skipped] == [(6, True)]


def test_a_last_text_line_that_is_a_number_stays_text() -> None:
    parsed = read("1\n00:00:01,000 --> 00:00:02,000\nThe answer is\n42\n\n2\n00:00:03,000 --> 00:00:04,000\nYes\n")
    assert timed(parsed)[0] == (1000, 2000, "The answer is\n42")


def test_cues_without_blank_lines_between_them_are_split_at_the_index() -> None:
    parsed = read("1\n00:00:01,000 --> 00:00:02,000\nOne\n2\n00:00:03,000 --> 00:00:04,000\nTwo\n")
    assert timed(parsed) == [(1000, 2000, "One"), (3000, 4000, "Two")]


def test_an_arrow_inside_srt_text_stays_text() -> None:
    parsed = read("1\n00:00:01,000 --> 00:00:02,000\nGo this way --> there\n")
    assert timed(parsed) == [(1000, 2000, "Go this way --> there")]


def test_vtt_character_references_are_decoded() -> None:
    parsed = read("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nFish &amp; chips &lt;3&nbsp;&lrm;ok\n")
    assert parsed.cues[0].text == "Fish & chips <3\u00a0\u200eok"


def test_ass_vector_drawings_are_not_text() -> None:
    parsed = read(
        "[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,{\\p1}m 0 0 l 100 0 100 100{\\p0}Hello{\\i1}there\n"
    )
    assert timed(parsed) == [(1000, 2000, "Hellothere")]


@pytest.mark.parametrize(
    ("timing", "reason"),
    [("100:00:00,000 --> 100:00:01,000", "24 h"), ("-00:00:01,000 --> 00:00:02,000", "negative")],
)
def test_out_of_range_times_are_skipped_not_wrapped(timing: str, reason: str) -> None:
    parsed = read(f"1\n{timing}\nBad\n\n2\n00:00:03,000 --> 00:00:04,000\nGood\n")
    assert timed(parsed) == [(3000, 4000, "Good")]
    assert parsed.skipped[0].line == 2
    assert reason in parsed.skipped[0].reason


def test_ass_fields_in_any_order_and_one_bad_time_costs_one_line() -> None:
    parsed = read(
        "[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
        "Format: Start, End, Name, Style, Layer, MarginL, MarginR, MarginV, Effect, Text\n"
        "Dialogue: 0:00:01.00,0:00:02.00,Alba,Default,0,0,0,0,,Hola, amiga\n"
        "Dialogue: 0:00:0x.00,0:00:04.00,Alba,Default,0,0,0,0,,Lost\n"
        "Dialogue: 0:00:05.00,0:00:06.00,,Default,0,0,0,0,,Adiós\n"
    )
    assert [(c.start_ms, c.text, c.speaker) for c in parsed.cues] == [
        (1000, "Hola, amiga", "Alba"),
        (5000, "Adiós", None),
    ]
    assert [s.line for s in parsed.skipped] == [7]


def test_one_bad_vtt_timing_costs_one_cue() -> None:
    parsed = read("WEBVTT\n\n00::00.000 --> 00:01.000\nLost\n\n00:02.000 --> 00:03.000\nKept\n")
    assert timed(parsed) == [(2000, 3000, "Kept")]
    assert parsed.skipped[0].line == 3


def test_a_file_without_a_usable_cue_names_its_first_bad_line() -> None:
    with pytest.raises(UnreadableSubtitles) as caught:
        read("1\n00:00:02,000 --> 00:00:01,000\nBackwards\n\n2\n00:00:xx,000 --> 00:00:04,000\nBroken\n")
    assert caught.value.line == 2
    assert "zero or negative length" in caught.value.detail


def test_speakers_from_every_format() -> None:
    srt = read(
        "1\n00:00:01,000 --> 00:00:02,000\nJOHN: Hello\n\n"
        "2\n00:00:03,000 --> 00:00:04,000\n[SPEAKER_01]: Hi\n\n"
        "3\n00:00:05,000 --> 00:00:06,000\nMary: One\n\n"
        "4\n00:00:07,000 --> 00:00:08,000\nMary: Two\n\n"
        "5\n00:00:09,000 --> 00:00:10,000\nNote: this is no speaker\n"
    )
    assert [(c.speaker, c.text) for c in srt.cues] == [
        ("JOHN", "Hello"),
        ("SPEAKER_01", "Hi"),
        ("Mary", "One"),
        ("Mary", "Two"),
        (None, "Note: this is no speaker"),
    ]
    assert srt.speakers == {"Mary": 2, "JOHN": 1, "SPEAKER_01": 1}
    vtt = read("WEBVTT\n\n00:01.000 --> 00:02.000\n<v.loud Dr. Who>Run!</v>\n")
    assert (vtt.cues[0].speaker, vtt.cues[0].text) == ("Dr. Who", "Run!")


def test_a_dash_dialogue_stays_one_cue_named_by_its_first_turn() -> None:
    parsed = read("1\n00:00:01,000 --> 00:00:03,000\n- ANA: Where to?\n- Home.\n")
    assert [(c.speaker, c.text) for c in parsed.cues] == [("ANA", "- Where to?\n- Home.")]


def test_hearing_impaired_cues_are_kept_but_not_spoken() -> None:
    parsed = read(
        "1\n00:00:01,000 --> 00:00:02,000\n[door slams]\n\n"
        "2\n00:00:03,000 --> 00:00:04,000\n♪ la la la ♪\n\n"
        "3\n00:00:05,000 --> 00:00:06,000\n(laughs)\n- [gasps]\n\n"
        "4\n00:00:07,000 --> 00:00:08,000\n[laughs] Very funny.\n"
    )
    assert [(c.text, c.spoken) for c in parsed.cues] == [
        ("[door slams]", False),
        ("♪ la la la ♪", False),
        ("(laughs)\n- [gasps]", False),
        ("[laughs] Very funny.", True),
    ]
    assert parsed.non_speech == 3


def test_a_vtt_file_without_header_is_read_as_blocks_with_a_warning() -> None:
    parsed = read("00:00:01.000 --> 00:00:02.000\nHi\n", filename="x.vtt")
    assert parsed.format.value == "vtt"
    assert timed(parsed) == [(1000, 2000, "Hi")]
    assert any("no WEBVTT header" in w for w in parsed.warnings)
