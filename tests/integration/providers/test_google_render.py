"""Whole renders through the render use case with the real Google adapter against the fake server."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from adapters.http.client import RetryPolicy
from application.audio_pipeline.voice_over import RenderVoiceOver
from application.errors import ProviderAuthFailed
from application.ports.speech import SynthesisFailed
from domain.render_options import RenderOptions
from domain.timing import RenderCue
from domain.voices import VoiceRef
from tests.fakes.http_server import FakeResponse
from tests.fakes.provider_fixtures import build, google_env
from tests.fakes.provider_servers import FakeGoogleTts
from tests.fakes.storage import InMemoryBlobStore, InMemoryClipCache

OPTIONS = RenderOptions(voice=VoiceRef(engine="google", name="es-ES-Standard-A"))  # in both payload sets


def cues(count: int) -> list[RenderCue]:
    return [
        RenderCue(id=f"cue-{i}", start_ms=i * 2000, end_ms=i * 2000 + 1800, text=f"Line {i}.") for i in range(count)
    ]


def render_use_case(synthesizer: object) -> tuple[RenderVoiceOver, InMemoryBlobStore]:
    store = InMemoryBlobStore()
    use_case = RenderVoiceOver(
        {"google": synthesizer},  # type: ignore[dict-item]
        InMemoryClipCache(),
        NumpyClipProcessor(),
        StreamingTrackMixer(),
        store,
    )
    return use_case, store


async def test_a_200_cue_render_completes_when_30_percent_of_google_calls_fail(
    google_server: FakeGoogleTts, external: list, tmp_path: Path
) -> None:
    # covers: S-EXT-2
    synthesizer = build(external, tmp_path, **google_env(google_server)).google_tts
    synthesizer.client.retry = RetryPolicy(backoff_initial_s=0.01, backoff_max_s=0.05)
    failures: dict[str, int] = {}

    def fault(index: int) -> FakeResponse | None:
        request = google_server.server.requests[index]
        if request.path != "/v1/text:synthesize" or index % 10 not in (0, 3, 6):
            return None
        text = request.json()["input"]["text"]
        if failures.get(text, 0) >= 3:
            return None
        failures[text] = failures.get(text, 0) + 1
        return FakeResponse.json({"error": {"code": 503, "status": "UNAVAILABLE"}}, status=503)

    google_server.server.fault_pattern = fault
    use_case, store = render_use_case(synthesizer)
    report = await use_case.execute(cues(200), OPTIONS, "out.wav")
    assert report.stats.cues == 200
    assert store.exists("out.wav")
    synth_calls = [r for r in google_server.server.requests if r.path == "/v1/text:synthesize"]
    assert sum(failures.values()) >= 0.25 * len(synth_calls)


async def test_google_refusing_credentials_fails_the_render_at_once_with_provider_auth_failed(
    google_server: FakeGoogleTts, external: list, tmp_path: Path
) -> None:
    synthesizer = build(external, tmp_path, **google_env(google_server)).google_tts
    await synthesizer.list_voices()  # voices known (cached), then the key is revoked
    google_server.refuse_api_keys = True
    before = len(google_server.server.requests)
    use_case, store = render_use_case(synthesizer)
    with pytest.raises((SynthesisFailed, ProviderAuthFailed)) as caught:
        await use_case.execute(cues(50), OPTIONS, "out.wav")
    assert caught.value.code == "provider_auth_failed"
    assert getattr(caught.value, "retryable", None) is False
    assert len(google_server.server.requests) - before <= 16  # no retries: at most one call per slot
    assert store.blobs == {}
