"""A project's cast: the voice of each speaker and a default voice per language, and how a cue's voice
is chosen: its own voice, else its speaker's in the cast, else the cast's default for the track's
language, else the render's voice."""

from __future__ import annotations

import re
from collections.abc import Iterable

import msgspec

from domain.errors import InvariantViolated
from domain.subtitles import MAX_SPEAKER_CHARS, canonical_speaker
from domain.voices import VoiceRef

MAX_CAST_ENTRIES = 1000
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


class Cast(msgspec.Struct, frozen=True, kw_only=True):
    speakers: dict[str, VoiceRef] = msgspec.field(default_factory=dict)
    defaults: dict[str, VoiceRef] = msgspec.field(default_factory=dict)  # by language tag

    def entries(self) -> list[tuple[str, VoiceRef]]:
        """(`speakers.<name>` or `defaults.<language>`, voice) of every entry: the field a problem names."""
        return [(f"speakers.{name}", ref) for name, ref in self.speakers.items()] + [
            (f"defaults.{language}", ref) for language, ref in self.defaults.items()
        ]


def checked_cast(speakers: dict[str, VoiceRef], defaults: dict[str, VoiceRef]) -> Cast:
    """Speaker names as cues store them (one trimmed line, 1–100 characters), language tags well-formed."""
    if len(speakers) + len(defaults) > MAX_CAST_ENTRIES:
        raise InvariantViolated(f"a cast holds at most {MAX_CAST_ENTRIES} entries", field="speakers")
    named: dict[str, VoiceRef] = {}
    for raw, ref in speakers.items():
        name = canonical_speaker(raw) or ""
        if not 1 <= len(name) <= MAX_SPEAKER_CHARS:
            raise InvariantViolated(
                f"speaker {raw!r}: a name has 1 to {MAX_SPEAKER_CHARS} characters", field=f"speakers.{raw}"
            )
        if name in named:
            raise InvariantViolated(f"speaker {name!r} is in the cast twice", field=f"speakers.{raw}")
        named[name] = ref
    languages: dict[str, VoiceRef] = {}
    for raw, ref in defaults.items():
        if not _LANGUAGE.match(raw):
            raise InvariantViolated(f"{raw!r} is not a language tag (e.g. en, pt-BR)", field=f"defaults.{raw}")
        if raw.lower() in {known.lower() for known in languages}:
            raise InvariantViolated(f"language {raw!r} is in the cast twice", field=f"defaults.{raw}")
        languages[raw] = ref
    return Cast(speakers=named, defaults=languages)


def primary_language(tag: str) -> str:
    return tag.split("-")[0].split("_")[0].lower()


def choose_voice(
    cue_voice: VoiceRef | None, speaker: str | None, cast: Cast | None, language: str | None, render_voice: VoiceRef
) -> tuple[VoiceRef, str]:
    """The voice of a cue and where it came from (`voice` of the cue, `cast.speakers.<name>`,
    `cast.defaults.<language>` or the render's `voice`): the field a problem about it names."""
    if cue_voice is not None:
        return cue_voice, "cue.voice"
    if cast is not None:
        if speaker is not None and speaker in cast.speakers:
            return cast.speakers[speaker], f"cast.speakers.{speaker}"
        if language:
            for tag in _tags_for(cast, language):
                return cast.defaults[tag], f"cast.defaults.{tag}"
    return render_voice, "voice"


def _tags_for(cast: Cast, language: str) -> list[str]:
    wanted = language.lower()
    exact = [tag for tag in cast.defaults if tag.lower() == wanted]
    return exact or [tag for tag in cast.defaults if primary_language(tag) == primary_language(language)]


def speakers_without_cues(cast: Cast, speakers: Iterable[str | None]) -> list[str]:
    """The cast's speakers that no cue names (kept in the cast, reported)."""
    heard = set(speakers)
    return sorted(name for name in cast.speakers if name not in heard)


def speaks(voice_language: str, language: str) -> bool:
    """A voice speaks a track's language when their primary languages agree (en-GB speaks en-US)."""
    return primary_language(voice_language) == primary_language(language)
