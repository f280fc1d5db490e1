"""A deterministic speech engine for tests: a tone burst whose length follows the text and the rate."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from application.errors import FieldError, InvalidInput, Unauthenticated
from application.ports.speech import SpeechClip, SynthesisFailed, SynthesisRequest
from domain.voices import Voice

NEURAL_VOICES = (  # a neural engine speaks only its own languages
    Voice(engine="neural", name="aria", language="en-US", sample_rate=16000, gender="female", tier="neural"),
)
FAKE_VOICES = (
    Voice(engine="fake", name="en-test", language="en", sample_rate=16000, gender="female"),
    Voice(engine="fake", name="fr-test", language="fr", sample_rate=16000, gender="male"),
    Voice(engine="fake", name="ja-test", language="ja", sample_rate=16000),
)


class FakeSpeechSynthesizer:
    """`ms_per_char` of speech per character at rate 1.0, padded with `padding_ms` of silence each side.

    `rate_response` bends the rate like real engines do (>1: the engine overshoots the asked speed).
    Text containing `fail_marker` fails as an engine failure would.
    """

    engine = "fake"

    def __init__(
        self,
        ms_per_char: float = 60.0,
        *,
        sample_rate: int = 16000,
        padding_ms: int = 40,
        rate_response: float = 1.0,
        fail_marker: str | None = None,
        engine: str = "fake",
        voices: Sequence[Voice] = FAKE_VOICES,
    ) -> None:
        self.engine = engine
        self.voices = tuple(voices)
        self.ms_per_char = ms_per_char
        self.sample_rate = sample_rate
        self.padding_ms = padding_ms
        self.rate_response = rate_response
        self.fail_marker = fail_marker
        self.calls: list[SynthesisRequest] = []

    @property
    def engine_version(self) -> str:
        return f"fake-1 ({self.ms_per_char} ms/char)"

    async def list_voices(self) -> Sequence[Voice]:
        return self.voices

    def speech_ms(self, text: str, rate: float = 1.0) -> float:
        effective = 1.0 + (rate - 1.0) * self.rate_response
        return len(text) * self.ms_per_char / effective

    async def synthesize(self, requests: Sequence[SynthesisRequest]) -> list[SpeechClip]:
        names = {voice.name for voice in self.voices}
        clips = []
        for index, request in enumerate(requests):
            if request.voice.engine != self.engine or request.voice.name not in names:
                raise InvalidInput(
                    f"unknown voice {request.voice}", [FieldError("voice", "unknown voice")], code="unknown_voice"
                )
            if self.fail_marker and self.fail_marker in request.text:
                raise SynthesisFailed(self.engine, index, "the fake engine was told to fail")
            self.calls.append(request)
            clips.append(self._clip(request))
        return clips

    def _clip(self, request: SynthesisRequest) -> SpeechClip:
        rate = self.sample_rate
        speech = round(self.speech_ms(request.text, request.rate) * rate / 1000)
        pad = np.zeros(round(self.padding_ms * rate / 1000), dtype="<i2")
        tone = (8000 * np.sin(2 * np.pi * 220 * np.arange(speech) / rate)).astype("<i2")
        tone[np.abs(tone) < 200] = 200  # no quiet samples inside the speech: trimming finds its true edges
        return SpeechClip(pcm=np.concatenate([pad, tone, pad]).tobytes(), sample_rate=rate)


class UnreliableSpeechSynthesizer:
    """Wraps an engine with the faults of real ones: slowness, random transient failures, and a
    permanent refusal while a flag file exists (the "cause" an admin fixes before a retry)."""

    engine = "fake"

    def __init__(
        self,
        inner: FakeSpeechSynthesizer,
        *,
        fail_rate: float = 0.0,
        delay_s: float = 0.0,
        refuse_while: str | None = None,
        seed: int | None = None,
        call_log: str | None = None,
    ) -> None:
        self._call_log = Path(call_log) if call_log else None  # one line per batch synthesized: wall time, size
        self._inner = inner
        self._fail_rate = fail_rate
        self._delay_s = delay_s
        self._refuse_flag = Path(refuse_while) if refuse_while else None
        self._random = random.Random(seed)
        self.failures = 0

    @property
    def engine_version(self) -> str:
        return self._inner.engine_version

    async def list_voices(self) -> Sequence[Voice]:
        return await self._inner.list_voices()

    async def synthesize(self, requests: Sequence[SynthesisRequest]) -> list[SpeechClip]:
        if self._delay_s:
            await asyncio.sleep(self._delay_s)
        if self._refuse_flag is not None and self._refuse_flag.exists():
            raise Unauthenticated("the engine refused our credentials", code="provider_auth_refused")
        if self._fail_rate and self._random.random() < self._fail_rate:
            self.failures += 1
            raise SynthesisFailed(self.engine, 0, "the fake engine flapped")
        clips = await self._inner.synthesize(requests)
        if self._call_log is not None:
            with self._call_log.open("a") as log:
                log.write(f"{time.time()} {len(requests)}\n")
        return clips
