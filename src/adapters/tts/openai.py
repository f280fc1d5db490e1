"""Any OpenAI-compatible speech server as a `SpeechSynthesizer`: `POST {base}/v1/audio/speech`.

One adapter reaches OpenAI itself and the local servers that speak its API (Kokoro-FastAPI,
openedai-speech, LocalAI…). The API lists no voices: they come from configuration. Audio is asked
for as WAV; anything else (JSON where audio was expected, MP3, an unreadable file) is a bad response.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence

import numpy as np
import soundfile

from adapters.http.client import HttpResponse, ResilientHttpClient
from adapters.http.decoding import ErrorEnvelope, try_decode_json
from adapters.http.resilience import SlidingWindowLimiter
from adapters.tts.provider_failures import synthesis_failed
from adapters.tts.text_chunks import split_text
from application.errors import InvalidInput, ProviderAuthFailed, ProviderBadResponse, ProviderError
from application.ports.speech import SpeechClip, SynthesisRequest
from domain.voices import Voice, VoiceRef

ENGINE = "openai"
PROVIDER = "openai_tts"
MAX_INPUT_CHARS = 4096  # the API's limit on `input`; longer text is split at sentence ends
MIN_SPEED, MAX_SPEED = 0.25, 4.0
MAX_AUDIO_BYTES = 64 * 1024 * 1024


def parse_voices(spec: str, sample_rate: int) -> list[Voice]:
    """`alloy, nova:en-US:female, ...` → voices (language `mul` when not given: these voices read many)."""
    voices: dict[str, Voice] = {}
    for item in spec.split(","):
        parts = [part.strip() for part in item.split(":")]
        if not parts[0]:
            continue
        language = parts[1] if len(parts) > 1 and parts[1] else "mul"
        gender = parts[2] if len(parts) > 2 and parts[2] else None
        voices[parts[0]] = Voice(
            engine=ENGINE, name=parts[0], language=language, sample_rate=sample_rate, gender=gender, tier="cloud"
        )
    return list(voices.values())


def pcm_of_wav(audio: bytes) -> SpeechClip:
    """A WAV answer as int16 mono (channels averaged): another format is the server's error, not ours."""
    if not (audio[:4] == b"RIFF" and audio[8:12] == b"WAVE"):
        raise ProviderBadResponse(PROVIDER, "the speech server answered something other than WAV audio")
    try:
        samples, rate = soundfile.read(io.BytesIO(audio), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, ValueError) as exc:
        raise ProviderBadResponse(PROVIDER, f"unreadable WAV audio ({exc})") from None
    mono = samples.mean(axis=1) if samples.shape[1] > 1 else samples[:, 0]
    pcm = np.clip(np.round(mono * 32768.0), -32768, 32767).astype("<i2").tobytes()
    return SpeechClip(pcm=pcm, sample_rate=int(rate))


class OpenAiSpeechSynthesizer:
    engine = ENGINE

    def __init__(
        self,
        client: ResilientHttpClient,
        *,
        base_url: str,
        model: str,
        voices: Sequence[Voice],
        api_key: str | None = None,
        concurrency: int = 8,
        requests_per_minute: int = 500,
    ) -> None:
        self.client = client
        self._model = model
        self._voices = list(voices)
        self._names = {voice.name for voice in self._voices}
        self._api_key = api_key
        self._slots = asyncio.Semaphore(concurrency)
        self._budget = SlidingWindowLimiter(requests_per_minute, 60.0)
        self._base = base_url.rstrip("/")

    @property
    def engine_version(self) -> str:
        # another server or model behind the same voice name sounds different
        return f"openai-compatible {self._base} {self._model} wav"

    async def list_voices(self) -> Sequence[Voice]:
        return self._voices

    async def synthesize(self, requests: Sequence[SynthesisRequest]) -> list[SpeechClip]:
        """All requests at once, at most `concurrency` in flight; the first hard failure cancels the rest."""
        for request in requests:
            if request.voice.engine != ENGINE or request.voice.name not in self._names:
                raise InvalidInput(f"unknown voice {request.voice}", code="unknown_voice")
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self._one(index, request)) for index, request in enumerate(requests)]
        except ExceptionGroup as failures:
            raise failures.exceptions[0] from None
        return [task.result() for task in tasks]

    async def _one(self, index: int, request: SynthesisRequest) -> SpeechClip:
        try:
            pieces = [
                await self._speak(chunk, request.voice, request.rate)
                for chunk in split_text(request.text, MAX_INPUT_CHARS)
            ]
        except ProviderError as exc:
            raise synthesis_failed(ENGINE, index, exc) from exc
        if not pieces:
            return SpeechClip(pcm=b"", sample_rate=request.sample_rate or 24000)
        rates = {piece.sample_rate for piece in pieces}
        if len(rates) != 1:
            raise synthesis_failed(
                ENGINE, index, ProviderBadResponse(PROVIDER, "the pieces of one text came at different sample rates")
            )
        return SpeechClip(pcm=b"".join(piece.pcm for piece in pieces), sample_rate=rates.pop())

    async def _speak(self, text: str, voice: VoiceRef, rate: float) -> SpeechClip:
        body = {
            "model": self._model,
            "voice": voice.name,
            "input": text,
            "speed": round(min(MAX_SPEED, max(MIN_SPEED, rate)), 4),
            "response_format": "wav",
        }
        headers = {"Accept": "audio/wav"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        async with self._slots:
            response = await self.client.request(
                "POST",
                "/v1/audio/speech",
                json=body,
                headers=headers,
                limiter=self._budget,
                max_body_bytes=MAX_AUDIO_BYTES,
            )
        if response.status != 200:
            self._raise_for(response)
        if response.content_type in ("application/json", "text/plain", "text/html"):
            raise ProviderBadResponse(PROVIDER, f"the speech server answered {response.content_type}, not audio")
        return await asyncio.to_thread(pcm_of_wav, response.body)

    def _raise_for(self, response: HttpResponse) -> None:
        envelope = try_decode_json(response, ErrorEnvelope)
        message = (envelope.message if envelope else None) or f"HTTP {response.status}"
        self.client.last_error = f"{response.status} {message}"[:200]
        if response.status in (401, 403):
            raise ProviderAuthFailed(PROVIDER, f"the speech server refused our credentials ({response.status})")
        if response.status in (400, 404, 422):
            code = "unknown_voice" if "voice" in message.lower() else "provider_invalid_request"
            raise InvalidInput(f"the speech server refused the request: {message}", code=code)
        raise ProviderBadResponse(PROVIDER, f"the speech server answered {response.status}")
