"""Google Cloud Text-to-Speech (REST v1) as a `SpeechSynthesizer`: batch synthesis to int16 mono PCM.

Text that is SSML (`<speak>…</speak>`, made by the lexicon with its words escaped) is sent as `ssml`
in one request; plain text as `text`, cut at sentence boundaries when over the input limit.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import io
import wave
from collections.abc import Sequence

import msgspec

from adapters.cache.keys import cache_key
from adapters.http.client import HttpResponse, ResilientHttpClient
from adapters.http.decoding import decode_json, try_decode_json
from adapters.http.resilience import SlidingWindowLimiter
from adapters.tts.google_auth import PROVIDER, GoogleCredentials
from adapters.tts.provider_failures import synthesis_failed
from adapters.tts.text_chunks import split_text
from application.errors import InvalidInput, ProviderAuthFailed, ProviderBadResponse, ProviderError
from application.ports.cache import Cache
from application.ports.speech import SpeechClip, SynthesisFailed, SynthesisRequest
from domain.lexicon import is_ssml
from domain.voices import Voice, VoiceRef

ENGINE = "google"
MAX_INPUT_BYTES = 5000
MIN_RATE, MAX_RATE = 0.25, 4.0
VOICES_TTL_S = 86_400.0
GENDERS = {"MALE": "male", "FEMALE": "female", "NEUTRAL": "neutral"}


class _Synthesized(msgspec.Struct):
    audioContent: str


class _WireVoice(msgspec.Struct):
    name: str
    languageCodes: list[str] = msgspec.field(default_factory=list)
    ssmlGender: str | None = None
    naturalSampleRateHertz: int = 24000


class _Voices(msgspec.Struct):
    voices: list[_WireVoice] = msgspec.field(default_factory=list)


class _Status(msgspec.Struct):
    code: int | None = None
    message: str | None = None
    status: str | None = None


class _StatusEnvelope(msgspec.Struct):
    error: _Status


def language_of(voice_name: str) -> str:
    """`en-US-Neural2-F` → `en-US` (the language code Google expects beside the voice name)."""
    parts = voice_name.split("-")
    return "-".join(parts[:2]) if len(parts) >= 2 else voice_name


def pcm_of(audio: bytes, *, expected_rate: int) -> SpeechClip:
    """LINEAR16 answers are WAV files (header + int16 samples); a bare stream is taken as int16 at the asked rate."""
    if not audio.startswith(b"RIFF"):
        if len(audio) % 2:
            raise ProviderBadResponse(PROVIDER, "LINEAR16 audio with an odd number of bytes")
        return SpeechClip(pcm=audio, sample_rate=expected_rate)
    try:
        with wave.open(io.BytesIO(audio), "rb") as wav:
            if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                raise ProviderBadResponse(
                    PROVIDER, f"expected mono 16-bit audio, got {wav.getnchannels()} ch × {wav.getsampwidth() * 8} bit"
                )
            return SpeechClip(pcm=wav.readframes(wav.getnframes()), sample_rate=wav.getframerate())
    except (wave.Error, EOFError) as exc:
        raise ProviderBadResponse(PROVIDER, f"unreadable WAV audio ({exc})") from None


def _synthesis_failed(index: int, exc: ProviderError) -> SynthesisFailed:
    return synthesis_failed(ENGINE, index, exc)


class GoogleSpeechSynthesizer:
    engine = ENGINE

    def __init__(
        self,
        client: ResilientHttpClient,
        credentials: GoogleCredentials,
        cache: Cache,
        *,
        sample_rate: int = 24000,
        concurrency: int = 16,
        requests_per_minute: int = 1000,
    ) -> None:
        self.client = client
        self._credentials = credentials
        self._cache = cache
        self._sample_rate = sample_rate
        self._slots = asyncio.Semaphore(concurrency)
        self._budget = SlidingWindowLimiter(requests_per_minute, 60.0)

    @property
    def engine_version(self) -> str:
        return "google-tts-v1/linear16"

    async def list_voices(self) -> Sequence[Voice]:
        key = cache_key("google_tts.voices", base=str(self.client.provider))
        cached = await self._cache.get(key)
        if cached is not None:
            return msgspec.json.decode(cached, type=list[Voice])
        response = await self._authorized("GET", "/v1/voices", body=None)
        voices = [
            Voice(
                engine=ENGINE,
                name=v.name,
                language=v.languageCodes[0] if v.languageCodes else language_of(v.name),
                sample_rate=v.naturalSampleRateHertz,
                gender=GENDERS.get(v.ssmlGender or ""),
                tier="cloud",
            )
            for v in decode_json(self.client, response, _Voices).voices
        ]
        await self._cache.set(key, msgspec.json.encode(voices), ttl_s=VOICES_TTL_S)
        return voices

    async def synthesize(self, requests: Sequence[SynthesisRequest]) -> list[SpeechClip]:
        """All requests at once, at most `concurrency` in flight; the first hard failure cancels the rest."""
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self._one(index, request)) for index, request in enumerate(requests)]
        except ExceptionGroup as failures:
            raise failures.exceptions[0] from None  # the first failure speaks for the batch
        return [task.result() for task in tasks]

    async def _one(self, index: int, request: SynthesisRequest) -> SpeechClip:
        sample_rate = request.sample_rate or self._sample_rate
        try:
            pieces = [
                await self._synthesize_text(chunk, request.voice, request.rate, sample_rate)
                for chunk in ([request.text] if is_ssml(request.text) else split_text(request.text, MAX_INPUT_BYTES))
            ]
        except ProviderError as exc:
            raise _synthesis_failed(index, exc) from exc
        if not pieces:
            return SpeechClip(pcm=b"", sample_rate=sample_rate)
        rates = {piece.sample_rate for piece in pieces}
        if len(rates) != 1:
            raise ProviderBadResponse(PROVIDER, "the pieces of one text came back at different sample rates")
        return SpeechClip(pcm=b"".join(piece.pcm for piece in pieces), sample_rate=rates.pop())

    async def _synthesize_text(self, text: str, voice: VoiceRef, rate: float, sample_rate: int) -> SpeechClip:
        body = {
            "input": {"ssml": text} if is_ssml(text) else {"text": text},
            "voice": {"languageCode": language_of(voice.name), "name": voice.name},
            "audioConfig": {
                "audioEncoding": "LINEAR16",
                "sampleRateHertz": sample_rate,
                "speakingRate": round(min(MAX_RATE, max(MIN_RATE, rate)), 4),
            },
        }
        async with self._slots:
            response = await self._authorized("POST", "/v1/text:synthesize", body=body)
        payload = decode_json(self.client, response, _Synthesized)
        try:
            audio = base64.b64decode(payload.audioContent, validate=True)
        except (binascii.Error, ValueError):
            raise ProviderBadResponse(PROVIDER, "audioContent is not base64") from None
        return pcm_of(audio, expected_rate=sample_rate)

    async def _authorized(self, method: str, path: str, *, body: object) -> HttpResponse:
        for second_try in (False, True):
            response = await self.client.request(
                method, path, json=body, headers=await self._credentials.headers(), limiter=self._budget
            )
            if response.status == 200:
                return response
            if response.status == 401 and self._credentials.renewable and not second_try:
                self._credentials.forget_token()  # the token died before its expiry: mint one more
                continue
            self._raise_for(response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _raise_for(self, response: HttpResponse) -> None:
        envelope = try_decode_json(response, _StatusEnvelope)
        status = envelope.error.status if envelope else None
        message = (envelope.error.message if envelope else None) or f"HTTP {response.status}"
        self.client.last_error = f"{response.status} {status or ''}".strip()
        if response.status in (401, 403):
            raise ProviderAuthFailed(PROVIDER, f"Google Cloud TTS refused our credentials: {status or response.status}")
        if response.status in (400, 404):
            code = "unknown_voice" if "voice" in message.lower() else "provider_invalid_request"
            raise InvalidInput(f"Google Cloud TTS refused the request: {message}", code=code)
        raise ProviderBadResponse(PROVIDER, f"Google Cloud TTS answered {response.status} {status or ''}".strip())
