"""The OpenAI-compatible speech engine against a local fake of `POST /v1/audio/speech`: the documented
request, audio decoded, and every fault the resilient client and the error mapping must handle."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from adapters.http.client import RetryPolicy
from adapters.tts.openai import OpenAiSpeechSynthesizer
from application.errors import InvalidInput
from application.ports.speech import SynthesisFailed, SynthesisRequest
from domain.voices import VoiceRef
from tests.fakes.http_server import FakeResponse
from tests.fakes.provider_fixtures import build, openai_env
from tests.fakes.provider_servers import FakeOpenAiSpeech, tone_wav

ALLOY = VoiceRef(engine="openai", name="alloy")


def engine(server: FakeOpenAiSpeech, external: list, tmp_path: Path, **env: str) -> OpenAiSpeechSynthesizer:
    synthesizer = build(external, tmp_path, **(openai_env(server) | env)).openai_tts
    assert synthesizer is not None
    synthesizer.client.retry = RetryPolicy(backoff_initial_s=0.01, backoff_max_s=0.05)
    return synthesizer


def request(text: str = "Hello there.", rate: float = 1.0) -> SynthesisRequest:
    return SynthesisRequest(text=text, voice=ALLOY, rate=rate, sample_rate=24000)


async def test_voices_come_from_configuration_with_tier_language_and_gender(
    openai_server: FakeOpenAiSpeech, external: list, tmp_path: Path
) -> None:
    voices = {v.name: v for v in await engine(openai_server, external, tmp_path).list_voices()}
    assert set(voices) == {"alloy", "nova", "onyx"}
    assert (voices["alloy"].language, voices["alloy"].gender, voices["alloy"].tier) == ("en-US", "female", "cloud")
    assert voices["nova"].language == "mul"  # not configured: these voices read many languages


async def test_the_documented_request_is_sent_and_wav_audio_comes_back(
    openai_server: FakeOpenAiSpeech, external: list, tmp_path: Path
) -> None:
    synthesizer = engine(openai_server, external, tmp_path, SUBDUB_OPENAI_TTS_MODEL="kokoro")
    natural, fast = await synthesizer.synthesize([request(), request(rate=1.5)])
    assert natural.sample_rate == 24000 and fast.duration_ms < natural.duration_ms * 0.8
    assert np.abs(np.frombuffer(natural.pcm, "<i2")).max() > 1000
    bodies = sorted(openai_server.spoken, key=lambda body: body["speed"])
    assert bodies[0] == {
        "model": "kokoro",
        "voice": "alloy",
        "input": "Hello there.",
        "speed": 1.0,
        "response_format": "wav",
    }
    assert bodies[1]["speed"] == 1.5
    assert "kokoro" in synthesizer.engine_version and openai_server.server.url in synthesizer.engine_version


async def test_a_local_server_needs_no_key(external: list, tmp_path: Path) -> None:
    server = FakeOpenAiSpeech(require_key=False)
    await server.server.start()
    try:
        synthesizer = engine(server, external, tmp_path, SUBDUB_OPENAI_TTS_API_KEY="")
        (clip,) = await synthesizer.synthesize([request()])
        assert clip.pcm and "authorization" not in server.server.requests[-1].headers
    finally:
        await server.server.stop()


async def test_a_refused_key_fails_at_once_with_provider_auth_failed(
    openai_server: FakeOpenAiSpeech, external: list, tmp_path: Path
) -> None:
    synthesizer = engine(openai_server, external, tmp_path, SUBDUB_OPENAI_TTS_API_KEY="sk-wrong")
    with pytest.raises(SynthesisFailed) as caught:
        await synthesizer.synthesize([request()])
    assert caught.value.code == "provider_auth_failed" and len(openai_server.server.requests) == 1


async def test_429_with_retry_after_and_5xx_are_retried(
    openai_server: FakeOpenAiSpeech, external: list, tmp_path: Path
) -> None:
    synthesizer = engine(openai_server, external, tmp_path)
    openai_server.server.inject(
        FakeOpenAiSpeech.error(429, "Rate limit reached", "requests"),
        FakeResponse(status=429, body=b'{"error": {"message": "slow down"}}', headers={"Retry-After": "1"}),
        FakeResponse(status=503, body=b"upstream down", content_type="text/plain"),
    )
    (clip,) = await synthesizer.synthesize([request()])
    assert clip.pcm and len(openai_server.server.requests) == 4


@pytest.mark.parametrize(
    "answer",
    [
        FakeResponse.json({"audio": "base64 where bytes were expected"}),
        FakeResponse(body=b"\xff\xfb\x90\x00" + b"\x00" * 400, content_type="audio/mpeg"),  # MP3, WAV was asked for
        FakeResponse(body=b"RIFF\x00\x00\x00\x00WAVEjunk", content_type="audio/wav"),  # not a readable WAV
    ],
)
async def test_json_or_other_audio_where_wav_was_asked_is_provider_bad_response(
    openai_server: FakeOpenAiSpeech, external: list, tmp_path: Path, answer: FakeResponse
) -> None:
    synthesizer = engine(openai_server, external, tmp_path)
    openai_server.server.inject(answer)
    with pytest.raises(SynthesisFailed) as caught:
        await synthesizer.synthesize([request()])
    assert caught.value.code == "provider_bad_response"


async def test_a_stereo_float_wav_is_taken_as_mono_int16(
    openai_server: FakeOpenAiSpeech, external: list, tmp_path: Path
) -> None:
    import soundfile

    stereo = np.stack([np.full(4800, 0.25), np.full(4800, 0.75)], axis=1).astype(np.float32)
    out = io.BytesIO()
    soundfile.write(out, stereo, 24000, format="WAV", subtype="FLOAT")
    openai_server.server.inject(FakeResponse(body=out.getvalue(), content_type="audio/wav"))
    (clip,) = await engine(openai_server, external, tmp_path).synthesize([request()])
    samples = np.frombuffer(clip.pcm, "<i2")
    assert samples.size == 4800 and abs(int(samples[100]) - 16384) <= 1


async def test_a_timeout_mid_batch_is_retried_and_the_batch_completes(
    openai_server: FakeOpenAiSpeech, external: list, tmp_path: Path
) -> None:
    synthesizer = engine(openai_server, external, tmp_path)
    openai_server.server.fault_pattern = lambda index: (
        FakeResponse(body=tone_wav(24000, 100), content_type="audio/wav", delay_s=3.0) if index == 3 else None
    )  # past the 2 s read timeout
    clips = await synthesizer.synthesize([request(f"Line number {i}.") for i in range(8)])
    assert len(clips) == 8 and all(clip.pcm for clip in clips)
    assert len(openai_server.server.requests) == 9


async def test_a_server_that_keeps_failing_opens_the_breaker(
    openai_server: FakeOpenAiSpeech, external: list, tmp_path: Path
) -> None:
    synthesizer = engine(openai_server, external, tmp_path, SUBDUB_PROVIDER_BREAKER_FAILURES="3")
    openai_server.server.fault_pattern = lambda index: FakeResponse(status=500, body=b"{}")
    with pytest.raises(SynthesisFailed) as first:
        await synthesizer.synthesize([request()])
    assert first.value.code in ("provider_unavailable", "provider_bad_response")
    seen = len(openai_server.server.requests)
    with pytest.raises(SynthesisFailed) as second:
        await synthesizer.synthesize([request()])
    assert second.value.code == "provider_unavailable" and "circuit open" in second.value.detail
    assert len(openai_server.server.requests) == seen  # the open breaker sent nothing


async def test_text_beyond_the_limit_is_split_at_sentence_ends(
    openai_server: FakeOpenAiSpeech, external: list, tmp_path: Path
) -> None:
    sentence = "This sentence is part of a very long monologue that goes on and on. "
    text = (sentence * 150).strip()  # ~10 000 characters
    # ~4 minutes of audio per piece (12 MB of WAV, as the real API sends): more than the 2 s test timeout
    synthesizer = engine(openai_server, external, tmp_path, SUBDUB_HTTP_READ_TIMEOUT="60")
    (clip,) = await synthesizer.synthesize([request(text)])
    inputs = [body["input"] for body in openai_server.spoken]
    assert len(inputs) == 3 and all(len(piece) <= 4096 and piece.endswith(".") for piece in inputs)
    assert " ".join(inputs) == text
    assert clip.duration_ms == pytest.approx(60 * len("".join(inputs)), rel=0.01)  # the pieces, joined


async def test_an_unknown_voice_is_refused_before_any_call(
    openai_server: FakeOpenAiSpeech, external: list, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await engine(openai_server, external, tmp_path).synthesize(
            [SynthesisRequest(text="Hi.", voice=VoiceRef(engine="openai", name="echo"))]
        )
    assert caught.value.code == "unknown_voice" and not openai_server.server.requests
