"""Cues and subtitle tracks: what would stay true if subtitles were printed on paper."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from domain.errors import InvariantViolated
from domain.text import check_plain
from domain.voices import VoiceRef

MAX_TIMELINE_MS = 86_400_000  # 24 h
MAX_CUES_PER_TRACK = 20_000  # a 24-hour track; what one render may voice
MAX_CUE_TEXT_CHARS = 2000
MAX_LABEL_CHARS = 200
MAX_FILENAME_CHARS = 255
MAX_SPEAKER_CHARS = 100


class SubtitleFormat(StrEnum):
    SRT = "srt"
    VTT = "vtt"
    ASS = "ass"
    SSA = "ssa"


def canonical_text(text: str) -> str:
    """Cue text as stored: one newline convention, no surrounding blank space."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def check_timing(start_ms: int, end_ms: int) -> None:
    if start_ms < 0:
        raise InvariantViolated(f"start_ms must be at least 0, got {start_ms}", field="start_ms")
    if end_ms > MAX_TIMELINE_MS:
        raise InvariantViolated(f"end_ms must be at most {MAX_TIMELINE_MS} (24 h), got {end_ms}", field="end_ms")
    if end_ms <= start_ms:
        raise InvariantViolated(f"end_ms ({end_ms}) must be after start_ms ({start_ms})", field="end_ms")


def check_text(text: str) -> None:
    if not text:
        raise InvariantViolated("text must not be empty", field="text")
    check_plain(text, field="text", max_chars=MAX_CUE_TEXT_CHARS, multiline=True)


def canonical_speaker(speaker: str | None) -> str | None:
    """A speaker's name as stored: one line, trimmed; blank means no speaker."""
    if speaker is None:
        return None
    value = " ".join(speaker.split())
    return value or None


def check_speaker(speaker: str | None) -> None:
    if speaker is None:
        return
    if not speaker or speaker != " ".join(speaker.split()):
        raise InvariantViolated("speaker must be one trimmed line (or null for none)", field="speaker")
    check_plain(speaker, field="speaker", max_chars=MAX_SPEAKER_CHARS)


class CueContent(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A cue without identity: what a subtitle file holds. Valid by construction.

    `spoken` is false for non-speech text (sound descriptions, music): kept for export, never voiced.
    """

    start_ms: int
    end_ms: int
    text: str
    speaker: str | None = None
    spoken: bool = True

    def __post_init__(self) -> None:
        check_timing(self.start_ms, self.end_ms)
        check_text(self.text)
        check_speaker(self.speaker)

    @classmethod
    def of(
        cls, start_ms: int, end_ms: int, text: str, *, speaker: str | None = None, spoken: bool = True
    ) -> CueContent:
        return cls(
            start_ms=start_ms,
            end_ms=end_ms,
            text=canonical_text(text),
            speaker=canonical_speaker(speaker),
            spoken=spoken,
        )


class Cue(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One line of dialogue on a track's timeline. Overlaps with other cues are allowed.

    `gc=False` (here and on the other cue-sized values: changes, versions, voices, their HTTP shapes):
    they hold no reference cycles and are made by the thousand per request, so the cyclic collector
    need not walk them; its full passes stalled the event loop for hundreds of milliseconds."""

    id: UUID
    start_ms: int
    end_ms: int
    text: str
    updated_at: datetime
    voice: VoiceRef | None = None
    speaker: str | None = None
    spoken: bool = True

    def __post_init__(self) -> None:
        check_timing(self.start_ms, self.end_ms)
        check_text(self.text)
        check_speaker(self.speaker)
        if self.updated_at.tzinfo is None:
            raise InvariantViolated("updated_at must carry a time zone (UTC)", field="updated_at")

    @classmethod
    def create(
        cls,
        *,
        id: UUID,
        start_ms: int,
        end_ms: int,
        text: str,
        updated_at: datetime,
        voice: VoiceRef | None = None,
        speaker: str | None = None,
        spoken: bool = True,
    ) -> Cue:
        return cls(
            id=id,
            start_ms=start_ms,
            end_ms=end_ms,
            text=canonical_text(text),
            updated_at=updated_at,
            voice=voice,
            speaker=canonical_speaker(speaker),
            spoken=spoken,
        )

    def edited(
        self,
        *,
        updated_at: datetime,
        start_ms: int | None = None,
        end_ms: int | None = None,
        text: str | None = None,
        voice: VoiceRef | msgspec.UnsetType | None = msgspec.UNSET,
        speaker: str | msgspec.UnsetType | None = msgspec.UNSET,
        spoken: bool | None = None,
    ) -> Cue:
        """A new version with the given fields replaced; validated through the constructor."""
        return Cue(
            id=self.id,
            start_ms=self.start_ms if start_ms is None else start_ms,
            end_ms=self.end_ms if end_ms is None else end_ms,
            text=self.text if text is None else canonical_text(text),
            voice=self.voice if isinstance(voice, msgspec.UnsetType) else voice,
            speaker=self.speaker if isinstance(speaker, msgspec.UnsetType) else canonical_speaker(speaker),
            spoken=self.spoken if spoken is None else spoken,
            updated_at=updated_at,
        )

    @property
    def content(self) -> CueContent:
        return CueContent(
            start_ms=self.start_ms, end_ms=self.end_ms, text=self.text, speaker=self.speaker, spoken=self.spoken
        )


class TrackSource(msgspec.Struct, frozen=True, kw_only=True):
    """Where a track's cues came from: typed in (`manual`), a file (`upload`) or a provider (`import`)."""

    kind: str
    format: SubtitleFormat | None = None
    filename: str | None = None

    def __post_init__(self) -> None:
        if self.filename is not None:
            check_plain(self.filename, field="filename", max_chars=MAX_FILENAME_CHARS)


def check_language(language: str) -> str:
    """A BCP 47-ish tag (`en`, `pt-BR`, `zh-Hant`): letters, digits and dashes, 2–35 chars."""
    value = language.strip()
    parts = value.split("-")
    if not 2 <= len(value) <= 35 or not all(p and p.isascii() and p.isalnum() for p in parts):
        raise InvariantViolated(f"language {language!r} is not a language tag like 'en' or 'pt-BR'", field="language")
    if not parts[0].isalpha():
        raise InvariantViolated(f"language {language!r} must start with a language code", field="language")
    return value


def check_label(label: str) -> str:
    return check_plain(label.strip(), field="label", max_chars=MAX_LABEL_CHARS)


class Track(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    project_id: UUID
    language: str
    label: str
    source: TrackSource
    created_at: datetime
    updated_at: datetime
    version: int = 1
    cue_count: int = 0
    duration_ms: int = 0

    def __post_init__(self) -> None:
        check_language(self.language)
        check_label(self.label)
