from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from uuid import uuid4

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvariantViolated
from domain.projects import ProjectAction, ProjectRole, VideoRef, check_title, role_allows
from domain.subtitles import MAX_TIMELINE_MS, Cue, CueContent, check_language
from domain.sync import content_digest
from domain.voices import VoiceRef

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def cue(**overrides: object) -> Cue:
    fields: dict[str, object] = {"id": uuid4(), "start_ms": 0, "end_ms": 1000, "text": "Hello", "updated_at": NOW}
    fields.update(overrides)
    return Cue.create(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start_ms", "end_ms", "field"),
    [
        (1000, 1000, "end_ms"),
        (2000, 1000, "end_ms"),
        (-1, 1000, "start_ms"),
        (0, MAX_TIMELINE_MS + 1, "end_ms"),
    ],
)
def test_bad_timing_names_the_field(start_ms: int, end_ms: int, field: str) -> None:
    with pytest.raises(InvariantViolated) as caught:
        cue(start_ms=start_ms, end_ms=end_ms)
    assert caught.value.field == field


@pytest.mark.parametrize("text", ["", "   \n ", "x" * 2001, "a\x00b"])
def test_bad_text_names_the_field(text: str) -> None:
    with pytest.raises(InvariantViolated) as caught:
        cue(text=text)
    assert caught.value.field == "text"


def test_edges_are_allowed_and_text_is_trimmed() -> None:
    c = cue(start_ms=0, end_ms=MAX_TIMELINE_MS, text="  " + "x" * 2000 + "\r\n")
    assert len(c.text) == 2000
    assert cue(text="a\r\nb\rc").text == "a\nb\nc"


def test_sql_and_html_are_plain_text() -> None:
    text = "'; DROP TABLE cues; -- <script>alert(1)</script>"
    assert cue(text=text).text == text


def test_naive_updated_at_is_refused() -> None:
    with pytest.raises(InvariantViolated) as caught:
        cue(updated_at=datetime(2026, 1, 1))
    assert caught.value.field == "updated_at"


def test_edit_goes_through_the_constructor() -> None:
    original = cue(voice=VoiceRef(engine="espeak", name="en"))
    moved = original.edited(updated_at=NOW, start_ms=500)
    assert (moved.start_ms, moved.end_ms, moved.voice) == (500, 1000, original.voice)
    assert original.edited(updated_at=NOW, voice=None).voice is None
    with pytest.raises(InvariantViolated):
        original.edited(updated_at=NOW, start_ms=1000)


@given(start=st.integers(0, MAX_TIMELINE_MS - 1), length=st.integers(1, MAX_TIMELINE_MS))
def test_any_valid_timing_is_accepted(start: int, length: int) -> None:
    end = min(start + length, MAX_TIMELINE_MS)
    assert CueContent.of(start, end, "x").end_ms == end


@given(start=st.integers(-(10**9), 10**9), end=st.integers(-(10**9), 10**9))
def test_timing_rule_is_exactly_the_contract(start: int, end: int) -> None:
    valid = 0 <= start < end <= MAX_TIMELINE_MS
    try:
        CueContent.of(start, end, "x")
    except InvariantViolated:
        assert not valid
    else:
        assert valid


def test_roles() -> None:
    assert role_allows(ProjectRole.OWNER, ProjectAction.MANAGE)
    assert role_allows(ProjectRole.EDITOR, ProjectAction.EDIT)
    assert not role_allows(ProjectRole.EDITOR, ProjectAction.MANAGE)
    assert role_allows(ProjectRole.VIEWER, ProjectAction.READ)
    assert not role_allows(ProjectRole.VIEWER, ProjectAction.EDIT)


@pytest.mark.parametrize("language", ["en", "pt-BR", "zh-Hant", "es-419"])
def test_language_tags(language: str) -> None:
    assert check_language(language) == language


@pytest.mark.parametrize("language", ["", "e", "en_US", "42", "en--x", "日本"])
def test_bad_language_tags(language: str) -> None:
    with pytest.raises(InvariantViolated):
        check_language(language)


def test_title_and_video_rules() -> None:
    assert check_title("  Film ") == "Film"
    with pytest.raises(InvariantViolated):
        check_title(" ")
    assert VideoRef(provider="dailymotion", id="x8abc12").status == "pending"
    with pytest.raises(InvariantViolated) as caught:
        VideoRef(provider="youtube", id="x")
    assert caught.value.field == "video.provider"
    with pytest.raises(InvariantViolated):
        VideoRef(provider="dailymotion", id="../etc")


def test_speakers_are_one_trimmed_line_of_at_most_100_characters() -> None:
    assert CueContent.of(0, 10, "Hi", speaker="  Mary \n Jane ").speaker == "Mary Jane"
    assert CueContent.of(0, 10, "Hi", speaker="   ").speaker is None
    with pytest.raises(InvariantViolated):
        CueContent.of(0, 10, "Hi", speaker="x" * 101)
    with pytest.raises(InvariantViolated):
        CueContent(start_ms=0, end_ms=10, text="Hi", speaker=" padded ")


def test_cues_without_speaker_keep_their_sync_digest() -> None:
    at = NOW
    plain = Cue(id=uuid4(), start_ms=0, end_ms=10, text="Hi", updated_at=at)
    assert content_digest(plain) == hashlib.sha256(msgspec.json.encode([0, 10, "Hi", None])).hexdigest()
    assert content_digest(plain.edited(updated_at=at, spoken=False)) != content_digest(plain)
    assert content_digest(plain.edited(updated_at=at, speaker="Ana")) != content_digest(plain)
