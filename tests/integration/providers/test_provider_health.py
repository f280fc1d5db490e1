"""Readiness lists each provider (S-EXT-3): disabled when unconfigured, breaker state otherwise, never `down`."""

from __future__ import annotations

from pathlib import Path

import pytest

from application.errors import ProviderUnavailable
from tests.fakes.http_server import FakeResponse
from tests.fakes.provider_servers import FakeOpenSubtitles
from tests.support.app import api_client

pytestmark = pytest.mark.db


async def test_unconfigured_providers_are_disabled_and_the_service_is_ok(clean_database: str, tmp_path: Path) -> None:
    # covers: S-EXT-3
    async with api_client(clean_database, tmp_path, DAILYMOTION_ENABLED="false") as client:
        response = await client.get("/health/ready")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    for name in ("opensubtitles", "dailymotion", "google_tts"):
        assert body["checks"][name]["status"] == "disabled"
        assert "breaker" not in body["checks"][name]
    assert body["checks"]["cache"]["status"] == "ok"
    assert "in-process" in body["checks"]["cache"]["detail"]


async def test_an_unreachable_redis_degrades_the_cache_check_only(clean_database: str, tmp_path: Path) -> None:
    # covers: S-EXT-3, S-CACHE-1
    async with api_client(clean_database, tmp_path, REDIS_URL="redis://127.0.0.1:9/0") as client:
        response = await client.get("/health/ready")
    body = response.json()
    assert response.status_code == 200
    assert body["checks"]["cache"]["status"] == "degraded"
    assert body["status"] == "degraded"


async def test_an_open_breaker_degrades_the_service_but_never_takes_it_down(
    clean_database: str, tmp_path: Path, opensubtitles_server: FakeOpenSubtitles
) -> None:
    # covers: S-EXT-3
    env = {
        "OPENSUBTITLES_API_KEY": opensubtitles_server.API_KEY,
        "OPENSUBTITLES_BASE_URL": opensubtitles_server.server.url,
        "SUBDUB_PROVIDER_BREAKER_FAILURES": "2",
        "SUBDUB_HTTP_READ_TIMEOUT": "1",
    }
    async with api_client(clean_database, tmp_path, **env) as client:
        ready = (await client.get("/health/ready")).json()
        assert ready["checks"]["opensubtitles"] == {"status": "ok", "breaker": "closed"}

        opensubtitles_server.server.fault_pattern = lambda index: FakeResponse(status=503, body=b"down")
        catalog = client.container.external.subtitle_catalog()  # type: ignore[attr-defined]
        from application.ports.catalog import SubtitleQuery

        with pytest.raises(ProviderUnavailable):
            await catalog.search(SubtitleQuery(query="anything"))
        response = await client.get("/health/ready")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["opensubtitles"]["status"] == "down"
    assert body["checks"]["opensubtitles"]["breaker"] == "open"
    assert "server_error" in body["checks"]["opensubtitles"]["detail"]
    assert body["checks"]["database"]["status"] == "ok"
