"""Content addresses of synthesized clips: same engine, version, voice, rate, rate of samples and text → same clip."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import msgspec

from domain.voices import VoiceRef

_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """What the engine is asked to say: NFC, one space between words, no outer whitespace."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def clip_key(*, engine_version: str, voice: VoiceRef, rate: float, sample_rate: int, text: str) -> str:
    material = msgspec.json.encode(
        [voice.engine, engine_version, voice.name, f"{rate:.2f}", sample_rate, normalise_text(text)]
    )
    return hashlib.sha256(material).hexdigest()


def shaped_clip_key(base_key: str, *, stretch: float, keep_samples: int | None, fade_ms: int) -> str:
    """The address of a clip after time-stretch and cut (derived clips are cached too)."""
    material = f"{base_key}|{stretch:.6f}|{keep_samples}|{fade_ms}".encode()
    return hashlib.sha256(material).hexdigest()
