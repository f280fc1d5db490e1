"""A few seconds of a voice, so a user can choose by ear; kept in the clip cache like any clip."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import msgspec

from application.errors import NotFound
from application.ports.audio import ClipProcessor
from application.ports.clip_cache import ClipCache
from application.ports.speech import SpeechClip, SpeechSynthesizer, SynthesisRequest
from domain.clips import clip_key
from domain.voice_samples import sample_line
from domain.voices import VoiceRef

SAMPLE_RATE = 24000


class VoiceSample(msgspec.Struct, frozen=True, kw_only=True):
    pcm: bytes  # int16 mono
    sample_rate: int
    text: str


class GetVoiceSample:
    def __init__(
        self, synthesizers: Mapping[str, SpeechSynthesizer], cache: ClipCache, processor: ClipProcessor
    ) -> None:
        self._synthesizers, self._cache, self._processor = synthesizers, cache, processor

    async def execute(self, ref: VoiceRef) -> VoiceSample:
        synthesizer = self._synthesizers.get(ref.engine)
        voice = None
        if synthesizer is not None:
            voice = next((v for v in await synthesizer.list_voices() if v.name == ref.name), None)
        if synthesizer is None or voice is None:
            raise NotFound("voice", str(ref))
        text = sample_line(voice.language)
        key = clip_key(
            engine_version=synthesizer.engine_version, voice=ref, rate=1.0, sample_rate=SAMPLE_RATE, text=text
        )
        pcm = await asyncio.to_thread(self._cache.get, key)
        if pcm is None:
            (clip,) = await synthesizer.synthesize([SynthesisRequest(text=text, voice=ref, sample_rate=SAMPLE_RATE)])
            pcm = await asyncio.to_thread(self._keep, key, clip)
        return VoiceSample(pcm=pcm, sample_rate=SAMPLE_RATE, text=text)

    def _keep(self, key: str, clip: SpeechClip) -> bytes:
        pcm = self._processor.prepare(clip, SAMPLE_RATE)
        self._cache.put(key, pcm)
        return pcm
