"""Each provider adapter against its fake server with injected faults ("Bad input and faults" of issue 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from application.errors import NotFound, ProviderAuthFailed, ProviderBadResponse, ProviderUnavailable
from application.ports.catalog import SubtitleQuery
from application.ports.speech import SynthesisFailed, SynthesisRequest
from domain.voices import VoiceRef
from tests.fakes.http_server import FakeResponse
from tests.fakes.provider_fixtures import build, dailymotion_env, google_env, opensubtitles_env
from tests.fakes.provider_servers import FakeDailymotion, FakeGoogleTts, FakeOpenSubtitles

VOICE = VoiceRef(engine="google", name="en-US-Standard-A")

BAD_ANSWERS = {
    "malformed-json": FakeResponse(body=b'{"data": [', content_type="application/json"),
    "html-error-page": FakeResponse(body=b"<html><body>502 Bad Gateway</body></html>", content_type="text/html"),
    "wrong-content-type": FakeResponse(body=b'{"id": "x7lni3"}', content_type="text/plain"),
    "wrong-shape": FakeResponse.json({"id": 5, "title": None}),
    "50-mb-body": FakeResponse(stream_bytes=50 * 1024 * 1024),
}


@pytest.mark.parametrize("fault", list(BAD_ANSWERS))
async def test_dailymotion_bad_answers_are_provider_bad_response(
    fault: str, dailymotion_server: FakeDailymotion, external: list, tmp_path: Path
) -> None:
    catalog = build(external, tmp_path, **dailymotion_env(dailymotion_server)).dailymotion
    dailymotion_server.server.inject(BAD_ANSWERS[fault])
    with pytest.raises(ProviderBadResponse) as caught:
        await catalog.video("x7lni3")
    assert caught.value.code == "provider_bad_response"
    assert len(dailymotion_server.server.requests) == 1  # a bad answer is not retried


@pytest.mark.parametrize("fault", list(BAD_ANSWERS))
async def test_opensubtitles_bad_answers_are_provider_bad_response(
    fault: str, opensubtitles_server: FakeOpenSubtitles, external: list, tmp_path: Path
) -> None:
    catalog = build(external, tmp_path, **opensubtitles_env(opensubtitles_server)).opensubtitles
    opensubtitles_server.server.inject(BAD_ANSWERS[fault])
    with pytest.raises(ProviderBadResponse):
        await catalog.search(SubtitleQuery(query="enders game"))


async def test_dailymotion_always_asks_for_fields_and_converts_seconds_to_ms(
    dailymotion_server: FakeDailymotion, external: list, tmp_path: Path
) -> None:
    catalog = build(external, tmp_path, **dailymotion_env(dailymotion_server)).dailymotion
    video = await catalog.video("x7lni3")
    [request] = dailymotion_server.server.requests
    assert request.query["fields"] == "id,title,duration,language,thumbnail_url"
    assert video.duration_ms == 136_000
    assert video.language == "fr"


async def test_dailymotion_metadata_is_cached_and_unknown_videos_briefly(
    dailymotion_server: FakeDailymotion, external: list, tmp_path: Path
) -> None:
    # covers: S-EXT-4, S-CACHE-1
    catalog = build(external, tmp_path, **dailymotion_env(dailymotion_server)).dailymotion
    first = await catalog.video("x7lni3")
    assert await catalog.video("x7lni3") == first
    for _ in range(2):
        with pytest.raises(NotFound):
            await catalog.video("inValIdiD")
    assert len(dailymotion_server.server.requests) == 2  # one per distinct video


async def test_a_timing_out_provider_is_retried_then_503_and_the_breaker_fails_fast(
    dailymotion_server: FakeDailymotion, external: list, tmp_path: Path
) -> None:
    # covers: S-EXT-2
    env = {
        **dailymotion_env(dailymotion_server),
        "SUBDUB_HTTP_READ_TIMEOUT": "0.2",
        "SUBDUB_PROVIDER_BREAKER_FAILURES": "4",
    }
    catalog = build(external, tmp_path, **env).dailymotion
    dailymotion_server.server.latency_s = 0.5
    with pytest.raises(ProviderUnavailable) as caught:
        await catalog.video("x7lni3")
    assert caught.value.retry_after_s >= 1
    assert len(dailymotion_server.server.requests) == 4  # retried (4 attempts), which also opened the breaker
    assert catalog.client.breaker.state == "open"
    with pytest.raises(ProviderUnavailable):
        await catalog.video("x7lni3")
    assert len(dailymotion_server.server.requests) == 4  # no outbound request while open


async def test_opensubtitles_sends_api_key_and_user_agent_and_reuses_its_login(
    opensubtitles_server: FakeOpenSubtitles, external: list, tmp_path: Path
) -> None:
    catalog = build(external, tmp_path, **opensubtitles_env(opensubtitles_server)).opensubtitles
    file_id = opensubtitles_server.file_ids()[0]
    await catalog.search(SubtitleQuery(query="x"))
    await catalog.download(file_id)
    await catalog.download(opensubtitles_server.file_ids()[-1] if len(opensubtitles_server.file_ids()) > 1 else file_id)
    api_calls = [r for r in opensubtitles_server.server.requests if not r.path.startswith("/files/")]
    assert all(r.headers["api-key"] == opensubtitles_server.API_KEY for r in api_calls)
    assert all(r.headers["user-agent"].startswith("subdub") for r in api_calls)
    assert opensubtitles_server.logins == 1
    file_fetches = [r for r in opensubtitles_server.server.requests if r.path.startswith("/files/")]
    assert all("api-key" not in r.headers for r in file_fetches)  # the key stays with the API host


async def test_opensubtitles_renews_its_token_once_on_401(
    opensubtitles_server: FakeOpenSubtitles, external: list, tmp_path: Path
) -> None:
    catalog = build(external, tmp_path, **opensubtitles_env(opensubtitles_server)).opensubtitles
    file_id = opensubtitles_server.file_ids()[0]
    await catalog.download(file_id)
    opensubtitles_server.revoke_tokens()
    await catalog.download(opensubtitles_server.file_ids()[-1])
    assert opensubtitles_server.logins == 2


async def test_opensubtitles_wrong_password_is_provider_auth_failed(
    opensubtitles_server: FakeOpenSubtitles, external: list, tmp_path: Path
) -> None:
    env = {**opensubtitles_env(opensubtitles_server), "OPENSUBTITLES_PASSWORD": "wrong"}
    catalog = build(external, tmp_path, **env).opensubtitles
    with pytest.raises(ProviderAuthFailed):
        await catalog.download(opensubtitles_server.file_ids()[0])
    assert opensubtitles_server.logins == 1


async def test_opensubtitles_search_is_canonical_and_redirects_are_followed_anyway(
    opensubtitles_server: FakeOpenSubtitles, external: list, tmp_path: Path
) -> None:
    catalog = build(external, tmp_path, **opensubtitles_env(opensubtitles_server)).opensubtitles
    await catalog.search(SubtitleQuery(query="  Man of   STEEL ", languages=("FR", "en"), page=1))
    [request] = opensubtitles_server.server.requests
    assert request.query_string == "languages=en,fr&query=man+of+steel"
    opensubtitles_server.server.inject(
        FakeResponse(status=301, body=b"", content_type=None, headers={"Location": "/subtitles?query=other"})
    )
    result = await catalog.search(SubtitleQuery(query="other thing"))
    assert result.hits
    assert opensubtitles_server.server.requests[-1].query_string == "query=other"


async def test_opensubtitles_search_results_are_cached_per_parameter_set(
    opensubtitles_server: FakeOpenSubtitles, external: list, tmp_path: Path
) -> None:
    # covers: S-EXT-4, S-CACHE-1
    catalog = build(external, tmp_path, **opensubtitles_env(opensubtitles_server)).opensubtitles
    await catalog.search(SubtitleQuery(query="enders game", languages=("de",)))
    await catalog.search(SubtitleQuery(query="Enders Game", languages=("de",)))  # same canonical form
    await catalog.search(SubtitleQuery(query="enders game", languages=("fr",)))
    await catalog.search(SubtitleQuery(query="enders game", languages=("de",), page=2))
    assert len(opensubtitles_server.server.requests) == 3


async def test_downloaded_files_are_cached_by_file_id_saving_quota(
    opensubtitles_server: FakeOpenSubtitles, external: list, tmp_path: Path
) -> None:
    # covers: S-CACHE-1
    catalog = build(external, tmp_path, **opensubtitles_env(opensubtitles_server)).opensubtitles
    file_id = opensubtitles_server.file_ids()[0]
    first = await catalog.download(file_id)
    again = await catalog.download(file_id)
    assert again.content == first.content
    assert opensubtitles_server.downloads_remaining == 18


async def test_google_401_fails_at_once_without_retries(
    google_server: FakeGoogleTts, external: list, tmp_path: Path
) -> None:
    synthesizer = build(external, tmp_path, **google_env(google_server)).google_tts
    google_server.refuse_api_keys = True
    with pytest.raises(SynthesisFailed) as caught:
        await synthesizer.synthesize([SynthesisRequest(text=f"Line {i}.", voice=VOICE) for i in range(20)])
    assert caught.value.code == "provider_auth_failed"
    assert len(google_server.server.requests) <= 16  # no retries; the batch stops at the first refusal


async def test_google_400_is_invalid_input_not_retried(
    google_server: FakeGoogleTts, external: list, tmp_path: Path
) -> None:
    synthesizer = build(external, tmp_path, **google_env(google_server)).google_tts
    google_server.server.inject(
        FakeResponse.json(
            {"error": {"code": 400, "message": "Voice 'xx-XX-Nope' does not exist.", "status": "INVALID_ARGUMENT"}},
            status=400,
        )
    )
    from application.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        await synthesizer.synthesize([SynthesisRequest(text="Hi.", voice=VoiceRef(engine="google", name="xx-XX-Nope"))])
    assert caught.value.code == "unknown_voice"
    assert len(google_server.server.requests) == 1


async def test_google_render_of_200_cues_completes_when_30_percent_of_calls_fail(
    google_server: FakeGoogleTts, external: list, tmp_path: Path
) -> None:
    # covers: S-EXT-2
    synthesizer = build(external, tmp_path, **google_env(google_server)).google_tts
    synthesizer.client.retry = type(synthesizer.client.retry)(backoff_initial_s=0.01, backoff_max_s=0.05)
    failing = {0, 3, 6}  # 3 calls in every 10 fail (503 or 500); one text fails at most 3 times in a row
    failures: dict[str, int] = {}

    def fault(index: int) -> FakeResponse | None:
        request = google_server.server.requests[index]
        text = request.json()["input"]["text"]
        if index % 10 not in failing or failures.get(text, 0) >= 3:
            return None
        failures[text] = failures.get(text, 0) + 1
        return FakeResponse.json({"error": {"code": 503, "status": "UNAVAILABLE"}}, status=503 if index % 2 else 500)

    google_server.server.fault_pattern = fault
    clips = await synthesizer.synthesize([SynthesisRequest(text=f"Cue number {i}.", voice=VOICE) for i in range(200)])
    assert len(clips) == 200
    assert all(clip.pcm for clip in clips)
    assert len(google_server.synthesized) == 200
    total = len(google_server.server.requests)
    assert sum(failures.values()) >= 0.25 * total  # about 30 % of all calls failed, and were retried


async def test_google_service_account_tokens_are_minted_reused_and_renewed_after_401(
    google_server: FakeGoogleTts, external: list, tmp_path: Path
) -> None:
    from tests.fakes.service_account import write_service_account

    path = write_service_account(tmp_path, token_uri=f"{google_server.server.url}/token")
    env = {"GOOGLE_APPLICATION_CREDENTIALS": str(path), "GOOGLE_TTS_BASE_URL": google_server.server.url}
    synthesizer = build(external, tmp_path, **env).google_tts
    google_server.refuse_api_keys = True
    await synthesizer.synthesize([SynthesisRequest(text=f"Line {i}.", voice=VOICE) for i in range(5)])
    token_calls = [r for r in google_server.server.requests if r.path == "/token"]
    assert len(token_calls) == 1
    google_server.tokens.clear()  # the token dies before its expiry
    await synthesizer.synthesize([SynthesisRequest(text="Again.", voice=VOICE)])
    token_calls = [r for r in google_server.server.requests if r.path == "/token"]
    assert len(token_calls) == 2
    synth_calls = [r for r in google_server.server.requests if r.path == "/v1/text:synthesize"]
    assert all(r.headers["authorization"].startswith("Bearer ya29.fake-") for r in synth_calls)
    assert all("x-goog-api-key" not in r.headers for r in synth_calls)


async def test_opensubtitles_searches_are_limited_to_5_per_second_client_side(
    opensubtitles_server: FakeOpenSubtitles, external: list, tmp_path: Path
) -> None:
    import time

    catalog = build(external, tmp_path, **opensubtitles_env(opensubtitles_server)).opensubtitles
    started = time.monotonic()
    for i in range(6):
        await catalog.search(SubtitleQuery(query=f"film {i}"))
    assert time.monotonic() - started >= 0.95  # the sixth waited for the first to leave the 1 s window
    assert len(opensubtitles_server.server.requests) == 6


async def test_the_download_quota_is_shown_in_readiness_detail(
    opensubtitles_server: FakeOpenSubtitles, external: list, tmp_path: Path
) -> None:
    providers = build(external, tmp_path, **opensubtitles_env(opensubtitles_server))
    await providers.opensubtitles.download(opensubtitles_server.file_ids()[0])
    probe = next(p for p in providers.health_probes() if p.name == "opensubtitles")
    result = await probe.check()
    assert result.status == "ok"
    assert result.breaker == "closed"
    assert "downloads remaining: 18" in (result.detail or "")
