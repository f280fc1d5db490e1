"""The catalogue routes end to end: real app, real adapters, fake provider servers on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.http_server import FakeResponse
from tests.fakes.provider_fixtures import dailymotion_env, google_env, opensubtitles_env
from tests.fakes.provider_servers import FakeDailymotion, FakeGoogleTts, FakeOpenSubtitles
from tests.support.app import api_client
from tests.support.identity import signed_in

pytestmark = pytest.mark.db


async def test_catalogue_routes_need_a_signed_in_caller(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        for path in ("/api/v1/subtitle-search?query=x", "/api/v1/videos/dailymotion/x7lni3", "/api/v1/voices"):
            response = await client.get(path)
            assert response.status_code == 401, path


async def test_unconfigured_providers_answer_503_provider_disabled(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path, DAILYMOTION_ENABLED="false") as client:
        _, _, headers = await signed_in(client)
        for path in ("/api/v1/subtitle-search?query=x", "/api/v1/videos/dailymotion/x7lni3"):
            response = await client.get(path, headers=headers)
            assert response.status_code == 503, path
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["code"] == "provider_disabled"
            assert int(response.headers["retry-after"]) >= 1


async def test_subtitle_search_lists_hits_and_validates_its_parameters(
    clean_database: str, tmp_path: Path, opensubtitles_server: FakeOpenSubtitles
) -> None:
    async with api_client(clean_database, tmp_path, **opensubtitles_env(opensubtitles_server)) as client:
        _, _, headers = await signed_in(client)
        response = await client.get(
            "/api/v1/subtitle-search", params={"query": "The Big Bang Theory", "languages": "de"}, headers=headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        hit = body["data"][0]
        assert {"provider", "file_id", "language", "release", "download_count", "fps", "uploaded_at"} <= set(hit)
        assert hit["provider"] == "opensubtitles"
        assert hit["file_id"] in opensubtitles_server.file_ids()
        assert body["meta"]["next_cursor"] is None

        bad = await client.get("/api/v1/subtitle-search", params={"languages": "de"}, headers=headers)
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == "query"
        bad = await client.get("/api/v1/subtitle-search", params={"query": "x", "languages": "d;e"}, headers=headers)
        assert bad.status_code == 422
        too_far = await client.get("/api/v1/subtitle-search", params={"query": "x", "page": "1000"}, headers=headers)
        assert too_far.status_code == 400


async def test_video_lookup_answers_metadata_404_or_503_with_retry_after(
    clean_database: str, tmp_path: Path, dailymotion_server: FakeDailymotion
) -> None:
    # covers: S-EXT-2
    env = {**dailymotion_env(dailymotion_server), "SUBDUB_HTTP_READ_TIMEOUT": "0.5"}
    async with api_client(clean_database, tmp_path, **env) as client:
        _, _, headers = await signed_in(client)
        response = await client.get("/api/v1/videos/dailymotion/x7lni3", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["data"] == {
            "provider": "dailymotion",
            "id": "x7lni3",
            "title": response.json()["data"]["title"],
            "duration_ms": 136_000,
            "language": "fr",
            "thumbnail_url": response.json()["data"]["thumbnail_url"],
        }
        missing = await client.get("/api/v1/videos/dailymotion/inValIdiD", headers=headers)
        assert missing.status_code == 404
        assert missing.json()["code"] == "not_found"

        dailymotion_server.server.latency_s = 1.0  # every call times out
        slow = await client.get("/api/v1/videos/dailymotion/x0other", headers=headers)
        assert slow.status_code == 503
        assert slow.json()["code"] == "provider_unavailable"
        assert int(slow.headers["retry-after"]) >= 1
        assert "Traceback" not in slow.text


async def test_provider_rate_limiting_becomes_503_provider_rate_limited(
    clean_database: str, tmp_path: Path, dailymotion_server: FakeDailymotion
) -> None:
    async with api_client(clean_database, tmp_path, **dailymotion_env(dailymotion_server)) as client:
        _, _, headers = await signed_in(client)
        dailymotion_server.server.inject(FakeResponse.json({}, status=429, **{"Retry-After": "600"}))
        response = await client.get("/api/v1/videos/dailymotion/x7lni3", headers=headers)
    assert response.status_code == 503
    assert response.json()["code"] == "provider_rate_limited"
    assert response.headers["retry-after"] == "600"


async def test_voices_list_every_enabled_engine_and_filter(
    clean_database: str, tmp_path: Path, google_server: FakeGoogleTts
) -> None:
    async with api_client(clean_database, tmp_path, **google_env(google_server)) as client:
        _, _, headers = await signed_in(client)
        response = await client.get("/api/v1/voices", params={"limit": "200"}, headers=headers)
        assert response.status_code == 200, response.text
        engines = {v["engine"] for v in response.json()["data"]}
        assert "espeak" in engines  # every enabled engine (espeak sorts first and fills this page)
        response = await client.get("/api/v1/voices", params={"engine": "google"}, headers=headers)
        google = response.json()["data"]
        assert google
        assert {v["engine"] for v in google} == {"google"}
        assert {"engine", "name", "language", "sample_rate"} <= set(google[0])
        filtered = await client.get("/api/v1/voices", params={"engine": "google", "language": "ja"}, headers=headers)
        assert all(v["language"].lower().startswith("ja") for v in filtered.json()["data"])
    async with api_client(clean_database, tmp_path) as client:
        _, _, headers = await signed_in(client)
        response = await client.get("/api/v1/voices", params={"engine": "google"}, headers=headers)
        assert response.status_code == 200
        assert response.json()["data"] == []  # disabled engines are omitted


async def test_provider_calls_are_counted_on_metrics(
    clean_database: str, tmp_path: Path, dailymotion_server: FakeDailymotion
) -> None:
    # covers: S-OBS-4
    async with api_client(clean_database, tmp_path, **dailymotion_env(dailymotion_server)) as client:
        _, _, headers = await signed_in(client)
        assert (await client.get("/api/v1/videos/dailymotion/x7lni3", headers=headers)).status_code == 200
        metrics = (await client.get("/metrics")).text
    assert 'subdub_provider_requests_total{outcome="ok",provider="dailymotion"}' in metrics
    assert 'subdub_provider_request_duration_seconds_count{provider="dailymotion"}' in metrics
