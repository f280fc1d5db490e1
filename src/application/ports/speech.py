"""The need for speech: text + voice + speaking rate in, mono PCM out.

Owned by the audio pipeline (issue 5); the Google adapter (issue 7) implements the same port.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import msgspec

from application.errors import DependencyUnavailable
from domain.voices import Voice, VoiceRef


class SpeechClip(msgspec.Struct, frozen=True, kw_only=True):
    """Mono signed 16-bit little-endian PCM."""

    pcm: bytes
    sample_rate: int

    @property
    def duration_ms(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate * 1000


class SynthesisRequest(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    voice: VoiceRef
    rate: float = 1.0  # 1.0 = the voice's natural speed; 1.5 = 50 % faster
    # The rate of samples the caller wants; an engine returns it when it can (else its own rate,
    # and the caller resamples). Callers must always read `SpeechClip.sample_rate`.
    sample_rate: int | None = None


class SynthesisFailed(DependencyUnavailable):
    """The engine could not synthesize request `index` of a batch (after its own retries)."""

    code = "synthesis_failed"

    def __init__(self, engine: str, index: int, detail: str) -> None:
        super().__init__(engine, detail)
        self.index = index


class SpeechSynthesizer(Protocol):
    engine: str  # the `engine` part of a VoiceRef this synthesizer answers for

    @property
    def engine_version(self) -> str:
        """Changes whenever the same request could give different audio (part of the clip-cache key)."""
        ...

    async def list_voices(self) -> Sequence[Voice]: ...

    async def synthesize(self, requests: Sequence[SynthesisRequest]) -> list[SpeechClip]:
        """Synthesize a batch (one clip per request, same order); engines may parallelise inside.

        An unknown voice raises InvalidInput(code="unknown_voice"); an engine failure raises
        SynthesisFailed naming the index of the request that failed.
        """
        ...
