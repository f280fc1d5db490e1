"""Voices are referenced as `engine:name`, e.g. `espeak:en-us` or `google:en-US-Neural2-F`."""

from __future__ import annotations

from typing import Literal

import msgspec

from domain.errors import InvariantViolated
from domain.text import check_plain

MAX_ENGINE_CHARS = 32
MAX_VOICE_NAME_CHARS = 200

VoiceTier = Literal["neural", "formant", "cloud"]


class VoiceRef(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    engine: str
    name: str

    def __post_init__(self) -> None:
        if not self.engine or not self.name:
            raise InvariantViolated("a voice needs an engine and a name", field="voice")
        check_plain(self.engine, field="voice.engine", max_chars=MAX_ENGINE_CHARS)
        check_plain(self.name, field="voice.name", max_chars=MAX_VOICE_NAME_CHARS)

    @classmethod
    def parse(cls, text: str) -> VoiceRef:
        engine, sep, name = text.partition(":")
        if not sep:
            raise InvariantViolated(f"voice {text!r} is not of the form engine:name", field="voice")
        return cls(engine=engine.strip(), name=name.strip())

    def __str__(self) -> str:
        return f"{self.engine}:{self.name}"


class Voice(msgspec.Struct, frozen=True, kw_only=True):
    """A voice an engine offers."""

    engine: str
    name: str
    language: str
    sample_rate: int
    gender: str | None = None
    tier: VoiceTier | None = None  # neural, formant (espeak) or cloud

    @property
    def ref(self) -> VoiceRef:
        return VoiceRef(engine=self.engine, name=self.name)
