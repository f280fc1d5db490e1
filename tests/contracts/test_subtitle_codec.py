"""The pysubs2 codec: real-world files in, clean cues out; export and re-import are lossless."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.subtitles.codec import SUBSTATION_MAX_MS, IsolatedSubtitleCodec
from adapters.subtitles.speech import Speech
from application.errors import InvalidInput
from application.ports.subtitles import UnreadableSubtitles
from domain.subtitles import MAX_TIMELINE_MS, CueContent, SubtitleFormat

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "subtitles"
codec = IsolatedSubtitleCodec()
# Files of the shared corpus without a usable cue, and the reason they are refused. (invalid.srt, a timing
# without milliseconds, is now read with a warning, as peers read it.)
REFUSED = {"empty.vtt": "empty", "subtitle_with_attached_images_aegisub.ass": "line 52: empty text"}


def corpus_files() -> list[str]:
    folder = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "subtitles"
    return sorted(p.name for p in folder.glob("*") if p.suffix in {".srt", ".vtt", ".ass", ".ssa"})


@pytest.mark.parametrize("name", corpus_files())
def test_every_corpus_file_imports_or_is_refused_with_a_reason(shared_dir: Path, name: str) -> None:
    data = (shared_dir / "corpus" / "subtitles" / name).read_bytes()
    if name in REFUSED:
        with pytest.raises(UnreadableSubtitles) as caught:
            codec.parse_sync(data)
        assert REFUSED[name] in caught.value.detail
        return
    parsed = codec.parse_sync(data)
    assert parsed.format.value == Path(name).suffix[1:]
    for cue in parsed.cues:
        assert 0 <= cue.start_ms < cue.end_ms <= MAX_TIMELINE_MS
        assert cue.text == cue.text.strip()
        assert "<i>" not in cue.text
        assert "{\\" not in cue.text


def test_legacy_and_bom_encodings_are_detected(shared_dir: Path) -> None:
    folder = shared_dir / "corpus" / "subtitles"
    utf16 = codec.parse_sync((folder / "bom-utf-16-le.srt").read_bytes())
    utf32 = codec.parse_sync((folder / "bom-utf-32-be.srt").read_bytes())
    assert utf16.encoding == "utf-16-le"
    assert utf32.encoding == "utf-32-be"
    assert utf16.cues == utf32.cues
    assert len(utf16.cues) == 7
    french = codec.parse_sync((folder / "windows-1252.srt").read_bytes())
    assert french.encoding == "cp1252"
    assert len(french.cues) == 1332
    assert any("ÉVÉNEMENTS" in cue.text for cue in french.cues)
    russian = codec.parse_sync((folder / "auto_detect_Russian.srt").read_bytes())
    assert "Ричмонде" in russian.cues[0].text


def test_utf32_le_bom_is_not_mistaken_for_utf16() -> None:
    text = "1\n00:00:01,000 --> 00:00:02,000\nΓειά σου\n"
    parsed = codec.parse_sync(b"\xff\xfe\x00\x00" + text.encode("utf-32-le"))
    assert parsed.encoding == "utf-32-le"
    assert parsed.cues[0].text == "Γειά σου"


def test_messy_srt_is_repaired_with_a_warning_per_defect() -> None:
    parsed = codec.parse_sync((FIXTURES / "messy_crlf.srt").read_bytes())
    assert [(c.start_ms, c.end_ms, c.text) for c in parsed.cues] == [
        (1000, 2500, "Hello there"),
        (3000, 4000, "No number\nsecond line"),
        (8000, 9000, "'; DROP TABLE cues; --"),
    ]
    assert any("zero or negative length" in w for w in parsed.warnings)
    assert any("empty text" in w for w in parsed.warnings)
    assert any("formatting tags removed" in w for w in parsed.warnings)


def test_webvtt_voice_spans_notes_and_inline_timestamps() -> None:
    parsed = codec.parse_sync((FIXTURES / "short.vtt").read_bytes())
    assert parsed.format is SubtitleFormat.VTT
    assert [c.text for c in parsed.cues] == ["Hola amiga", "Adiós"]


def test_windows_1250_without_bom() -> None:
    parsed = codec.parse_sync((FIXTURES / "cp1250.srt").read_bytes())
    assert parsed.cues[0].text == "Příliš žluťoučký kůň úpěl ďábelské ódy."
    assert "cp1250" in parsed.warnings[0]


@pytest.mark.parametrize("name", ["image.srt", "garbage.srt"])
def test_binary_files_are_refused(name: str) -> None:
    with pytest.raises(UnreadableSubtitles) as caught:
        codec.parse_sync((FIXTURES / name).read_bytes())
    assert caught.value.line is not None or "not text" in caught.value.detail


def test_plain_text_is_refused_naming_the_line() -> None:
    with pytest.raises(UnreadableSubtitles) as caught:
        codec.parse_sync(b"\n\nDear diary,\ntoday I wrote no subtitles.\n")
    assert caught.value.line == 3
    assert "Dear diary" in caught.value.detail


# Text every format can carry: no tag-like <...> or {...}, no backslash escapes, lines trimmed and
# non-empty, and a last line that is not a bare number (SRT readers take it for the next cue number).
_LINE_CHARS = st.characters(
    categories=("L", "M", "N", "P", "S", "Zs"), exclude_characters="<>{}\\\u00a0\u2028\u2029\u3000"
)
_line = st.text(_LINE_CHARS, min_size=1, max_size=40).map(str.strip).filter(bool)
# ... and that does not open with what reads as a speaker prefix (`JOHN: `), which export writes for speakers.
_text = (
    st.lists(_line, min_size=1, max_size=3)
    .map("\n".join)
    .filter(lambda t: not t.split("\n")[-1].isdigit())
    .filter(lambda t: Speech([t, t]).speaker_of(t)[0] is None)
)


@st.composite
def _cues(draw: st.DrawFn, step_ms: int, max_ms: int = MAX_TIMELINE_MS) -> list[CueContent]:
    count = draw(st.integers(1, 8))
    cues = []
    for _ in range(count):
        start = draw(st.one_of(st.just(0), st.integers(0, max_ms // step_ms - 1).map(lambda v: v * step_ms)))
        end = draw(
            st.one_of(
                st.just(max_ms),
                st.just(start + step_ms),
                st.integers(start // step_ms + 1, max_ms // step_ms).map(lambda v: v * step_ms),
            )
        )
        cues.append(CueContent.of(start, end, draw(_text)))
    return sorted(cues, key=lambda c: (c.start_ms, c.end_ms))


def _key(cues: list[CueContent]) -> list[tuple[int, int, str]]:
    return sorted((c.start_ms, c.end_ms, c.text) for c in cues)


@pytest.mark.parametrize("fmt", [SubtitleFormat.SRT, SubtitleFormat.VTT])
@settings(max_examples=60, deadline=None)
@given(cues=_cues(step_ms=1))
def test_export_then_import_gives_the_same_cues(fmt: SubtitleFormat, cues: list[CueContent]) -> None:
    parsed = codec.parse_sync(codec.export_sync(cues, fmt))
    assert parsed.format is fmt
    assert parsed.warnings == []
    assert _key(parsed.cues) == _key(cues)


@settings(max_examples=60, deadline=None)
@given(cues=_cues(step_ms=10, max_ms=SUBSTATION_MAX_MS))
def test_ass_round_trip_at_centisecond_precision(cues: list[CueContent]) -> None:
    parsed = codec.parse_sync(codec.export_sync(cues, SubtitleFormat.ASS))
    assert parsed.format is SubtitleFormat.ASS
    assert _key(parsed.cues) == _key(cues)


@pytest.mark.parametrize("fmt", list(SubtitleFormat))
def test_any_imported_file_is_a_fixed_point_of_export_import(fmt: SubtitleFormat) -> None:
    first = codec.parse_sync((FIXTURES / "messy_crlf.srt").read_bytes()).cues
    again = codec.parse_sync(codec.export_sync(first, fmt)).cues
    assert _key(again) == _key(first)


def test_ass_refuses_times_it_cannot_hold() -> None:
    late = [CueContent.of(36_000_000, 36_001_000, "ten hours in")]
    with pytest.raises(InvalidInput) as caught:
        codec.export_sync(late, SubtitleFormat.ASS)
    assert caught.value.code == "not_representable"
    assert codec.parse_sync(codec.export_sync(late, SubtitleFormat.SRT)).cues == late
