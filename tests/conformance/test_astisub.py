"""go-astisub's reader expectations (srt_test.go, webvtt_test.go, ssa_test.go, subtitles_test.go; MIT),
run on its own test files (vendored unchanged in `astisub/`, upstream commit dec0bf67) and on the
inline files of its tests (their tab indentation kept, as Go's raw strings hold it).

Each expectation is transcribed with the Go test it comes from; the cue text is astisub's lines joined
with a newline. Deliberate deviations, each checked as such below:
- a speaker label leaves the text and becomes the cue's `speaker` (`MAN:` / `How did we end up here?`
  → speaker `MAN`, text `How did we end up here?`), in ASS too, where the label wins over the event's
  Name field: the label is what a viewer reads as the speaker, and it must never be spoken;
- sound descriptions (`(deep rumbling)`, `[ticks]`, `♪ ♪`) keep their text and are marked not spoken;
- lines are trimmed: astisub keeps a trailing no-break space from `&nbsp;`;
- cues are ordered by start time (astisub keeps file order; a dub is placed on a timeline);
- UTF-16 files with a byte-order mark are read (astisub refuses every file that is not UTF-8);
- a file with no usable cue (`broken-1-in.vtt`) is refused naming its first bad line; astisub returns no
  error and no item.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.subtitles.reader import read_subtitles
from application.ports.subtitles import ParsedSubtitles, UnreadableSubtitles

FOLDER = Path(__file__).parent / "astisub"

# assertSubtitleItems (subtitles_test.go): start, end, text; the `MAN:` label becomes the speaker.
EXAMPLE = [
    (99_000, 101_040, "(deep rumbling)"),
    (124_080, 127_120, "How did we end up here?"),
    (132_160, 135_200, "This place is horrible."),
    (140_240, 142_280, "Smells like balls."),
    (148_320, 151_360, "We don't belong\nin this shithole."),
    (151_400, 153_440, "(computer playing\nelectronic melody)"),
]
# TestNewScanner (subtitles_test.go): CR and CRLF line ends in SRT, WebVTT and SSA.
CARRIAGE_RETURN = [
    (0, 3_766, "Did one of the last stories strike you as\nmore interesting than the other?"),
    (3_767, 10_732, "That's true. You don\u2019t often find 632\npieces of gum stuck on a sidewalk"),
    (10_733, 14_066, "at a busy bus stop or anywhere\nelse for that matter."),
]
# TestHTMLEntity (subtitles_test.go): `&nbsp;` `&amp;` `&lt;` decoded in SRT and WebVTT alike.
ENTITIES = [
    (331, 3_750, "The man in black fled across the desert,\n& the gunslinger followed."),  # trailing nbsp trimmed
    (4_101, 5_430, "Go,\u00a0then,"),
    (6_331, 9_675, "there are other < worlds than these."),
]


def read_file(name: str) -> ParsedSubtitles:
    return read_subtitles((FOLDER / name).read_bytes(), filename=name)


def timed(parsed: ParsedSubtitles) -> list[tuple[int, int, str]]:
    return [(cue.start_ms, cue.end_ms, cue.text) for cue in parsed.cues]


# TestSRT, TestSRTMissingSequence, TestWebVTT, TestSSA; TestNonUTF8SRT/WebVTT expect an error: deviation
EXAMPLE_FILES = ["example-in.srt", "missing-sequence-in.srt", "example-in.vtt", "example-in.ssa"]
NON_UTF8_FILES = ["example-in-non-utf8.srt", "example-in-non-utf8.vtt"]


@pytest.mark.parametrize("name", EXAMPLE_FILES + NON_UTF8_FILES)
def test_the_example_file_in_every_format(name: str) -> None:
    parsed = read_file(name)
    assert timed(parsed) == EXAMPLE
    assert parsed.cues[1].speaker == "MAN"  # deviation: the label is the speaker, not spoken text
    assert [cue.spoken for cue in parsed.cues] == [False, True, True, True, True, False]  # deviation: SDH kept silent


def test_ssa_names_are_speakers_unless_the_text_labels_one() -> None:
    parsed = read_file("example-in.ssa")  # TestSSA: Items[0].Lines[0].VoiceName == "Cher"
    assert [cue.speaker for cue in parsed.cues] == ["Cher", "MAN", "autre", "autre", "autre", "autre"]


@pytest.mark.parametrize("extension", ["srt", "vtt", "ssa"])
def test_carriage_return_line_ends(extension: str) -> None:
    assert timed(read_file(f"example-in-carriage-return.{extension}")) == CARRIAGE_RETURN  # TestNewScanner


@pytest.mark.parametrize("extension", ["srt", "vtt"])
def test_character_references(extension: str) -> None:
    assert timed(read_file(f"example-in-html-entities.{extension}")) == ENTITIES  # TestHTMLEntity


def test_styled_srt() -> None:
    parsed = read_file("example-in-styled.srt")  # TestSRTStyled
    assert timed(parsed)[:6] == [
        (17_985, 20_521, "[instrumental music]"),
        (47_115, 48_282, "[ticks]"),
        (58_192, 59_727, "[instrumental music]"),
        (61_662, 63_063, "[dog barking]"),
        (86_787, 89_523, "[beeping]"),
        (89_590, 91_992, "[automated]\n'The time is 7:35.'"),
    ]
    assert [cue.text for cue in parsed.cues[6:]] == [
        "Test with multi line italics\nTerminated on the next line",
        "Unterminated styles",
        "Do no fall to the next item",  # an unterminated <i> does not swallow the next cue
        "x^3 * x = 100",  # Items "x", "^3 * ", "x", " = 100"
    ]
    assert [cue.spoken for cue in parsed.cues[:6]] == [False, False, False, False, False, True]


def test_srt_timings_without_spaces_or_with_a_colon_before_milliseconds() -> None:
    parsed = read_subtitles(  # TestSRTParseDuration
        b"\n\t1\n\t00:00:01.876-->00:0:03.390\n\tDuration without enclosing space\n\t\n"
        b"\t2\n\t00:00:04:609-->00:0:05:985\n\tDuration without colon milliseconds",
        filename="inline.srt",
    )
    assert timed(parsed) == [
        (1_876, 3_390, "Duration without enclosing space"),
        (4_609, 5_985, "Duration without colon milliseconds"),
    ]


def test_webvtt_timings_without_spaces_and_tab_separated_settings() -> None:
    parsed = read_subtitles(  # TestWebVTTParseDuration
        b"WEBVTT\n\t1\n\t00:00:01.876-->00:0:03.390\n\tDuration without enclosing space\n\n"
        b"\t2\n\t00:00:03.391-->00:00:06.567\talign:middle\n\tDuration with tab spaced styles",
        filename="inline.vtt",
    )
    assert timed(parsed) == [
        (1_876, 3_390, "Duration without enclosing space"),
        (3_391, 6_567, "Duration with tab spaced styles"),
    ]


def test_webvtt_voice_names() -> None:
    parsed = read_subtitles(  # TestWebVTTWithVoiceName
        b"WEBVTT\n\n\tNOTE this a example with voicename\n\n"
        b"\t1\n\t00:02:34.000 --> 00:02:35.000\n\t<v.first.local Roger Bingham>I'm the fist speaker\n\n"
        b"\t2\n\t00:02:34.000 --> 00:02:35.000\n\t<v Bingham>I'm the second speaker\n\n"
        b"\t3\n\t00:00:04.000 --> 00:00:08.000\n\t<v Lee>What are you doing here?</v>\n\n"
        b"\t4\n\t00:00:04.000 --> 00:00:08.000\n\t<v Bob>Incorrect tag?</vi>",
        filename="inline.vtt",
    )
    speakers = {cue.text: cue.speaker for cue in parsed.cues}  # deviation: ordered by time, not by file
    assert speakers == {
        "I'm the fist speaker": "Roger Bingham",
        "I'm the second speaker": "Bingham",
        "What are you doing here?": "Lee",
        "Incorrect tag?": "Bob",
    }


def test_webvtt_timestamp_map_header_and_short_timestamps() -> None:
    parsed = read_subtitles(  # TestWebVTTWithTimestampMap
        "WEBVTT\n\tX-TIMESTAMP-MAP=MPEGTS:180000, LOCAL:00:00:00.000\n\n"
        "\t00:00.933 --> 00:02.366\n\t\u266a \u266a\n\n\t00:02.400 --> 00:03.633\n\tEvening.".encode(),
        filename="inline.vtt",
    )
    assert [(cue.start_ms, cue.end_ms) for cue in parsed.cues] == [(933, 2_366), (2_400, 3_633)]
    assert [cue.spoken for cue in parsed.cues] == [False, True]


def test_webvtt_tags() -> None:
    parsed = read_subtitles(  # TestWebVTTTags: 10 items; their text with the tags removed
        b"WEBVTT\n\n"
        b"\t00:01:00.000 --> 00:02:00.000\n\t<u><i>Italic with underline text</i></u> some extra\n\n"
        b"\t00:02:00.000 --> 00:03:00.000\n\t<lang en>English here</lang> <c.yellow.bg_blue>Yellow text on blue "
        b"background</c>\n\n"
        b"\t00:03:00.000 --> 00:04:00.000\n\t<v Joe><c.red><i>Joe's words are red in italic</i></c>\n\n"
        b"\t00:04:00.000 --> 00:05:00.000\n\t<customed_tag.class1.class2>Text here</customed_tag>\n\n"
        b"\t00:05:00.000 --> 00:06:00.000\n\t<v Joe>Joe says something</v> <v Bob>Bob says something</v>\n\n"
        b"\t00:06:00.000 --> 00:07:00.000\n\tText with a <00:06:30.000>timestamp in the middle\n\n"
        b"\t00:08:00.000 --> 00:09:00.000\n\t<i>Test with multi line italics\n\tTerminated on the next line</i>\n\t\n"
        b"\t00:09:00.000 --> 00:10:00.000\n\t<i>Unterminated styles\n\t\n"
        b"\t00:10:00.000 --> 00:11:00.000\n\tDo no fall to the next item\n\t\n"
        b"\t00:12:00.000 --> 00:13:00.000\n\t<i>x</i>^3 * <i>x</i> = 100",
        filename="inline.vtt",
    )
    assert [cue.text for cue in parsed.cues] == [
        "Italic with underline text some extra",
        "English here Yellow text on blue background",
        "Joe's words are red in italic",
        "Text here",
        "Joe says something Bob says something",
        "Text with a timestamp in the middle",
        "Test with multi line italics\nTerminated on the next line",
        "Unterminated styles",
        "Do no fall to the next item",
        "x^3 * x = 100",
    ]
    assert [cue.speaker for cue in parsed.cues][2:5] == ["Joe", None, "Joe"]


def test_ssa_override_block_between_two_texts() -> None:
    parsed = read_subtitles(  # TestInBetweenSSAEffect: items "First item" and "Second item"
        b"[Events]\nFormat: Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        b"Dialogue: Marked=0,0:01:39.00,0:01:41.04,,Cher,1234,2345,3456,test,First item{\\pos(400,570)}Second item",
        filename="inline.ssa",
    )
    assert timed(parsed) == [(99_000, 101_040, "First itemSecond item")]
    assert parsed.cues[0].speaker == "Cher"


def test_a_file_with_no_usable_cue_is_refused_naming_its_line() -> None:
    with pytest.raises(UnreadableSubtitles) as caught:  # deviation from TestBroken1WebVTT (no error, no item)
        read_file("broken-1-in.vtt")
    assert caught.value.line == 2


def test_the_suite_is_here() -> None:
    assert len([path for path in FOLDER.iterdir() if path.suffix in {".srt", ".vtt", ".ssa"}]) == 13
