"""`POST /projects` with a video looks it up through the Dailymotion adapter (fake server on loopback)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fakes.provider_fixtures import dailymotion_env
from tests.fakes.provider_servers import FakeDailymotion
from tests.support.app import api_client
from tests.support.identity import signed_in

pytestmark = pytest.mark.db


async def post_project(client: Any, headers: dict[str, str], title: str, video_id: str) -> Any:
    return await client.post(
        "/api/v1/projects", json={"title": title, "video": {"provider": "dailymotion", "id": video_id}}, headers=headers
    )


async def test_a_known_video_fills_in_the_project_metadata(
    clean_database: str, tmp_path: Path, dailymotion_server: FakeDailymotion
) -> None:
    async with api_client(clean_database, tmp_path, **dailymotion_env(dailymotion_server)) as client:
        _, _, headers = await signed_in(client)
        response = await post_project(client, headers, "Kart", "x7lni3")
    assert response.status_code == 201, response.text
    video = response.json()["data"]["video"]
    assert video["status"] == "ready"
    assert video["duration_ms"] == 136_000
    assert video["language"] == "fr"
    assert video["title"]
    assert video["thumbnail_url"].startswith("https://")


async def test_an_unknown_video_is_422_and_creates_nothing(
    clean_database: str, tmp_path: Path, dailymotion_server: FakeDailymotion
) -> None:
    async with api_client(clean_database, tmp_path, **dailymotion_env(dailymotion_server)) as client:
        _, _, headers = await signed_in(client)
        response = await post_project(client, headers, "Nope", "x0none")
        assert response.status_code == 422
        assert response.json()["code"] == "unknown_video"
        assert response.json()["errors"][0]["field"] == "video.id"
        listed = await client.get("/api/v1/projects", headers=headers)
    assert listed.json()["data"] == []


async def create_while_provider_is_slow(client: Any, server: FakeDailymotion, headers: dict[str, str]) -> Any:
    """Create a project with a video while Dailymotion answers slower than the read timeout."""
    server.server.latency_s = 1.0
    return await post_project(client, headers, "Later", "x7lni3")


async def test_a_provider_that_is_down_leaves_the_video_pending_never_a_5xx(
    clean_database: str, tmp_path: Path, dailymotion_server: FakeDailymotion
) -> None:
    env = {**dailymotion_env(dailymotion_server), "SUBDUB_HTTP_READ_TIMEOUT": "0.3"}
    async with api_client(clean_database, tmp_path, **env) as client:
        _, _, headers = await signed_in(client)
        response = await create_while_provider_is_slow(client, dailymotion_server, headers)
    assert response.status_code == 201, response.text
    video = response.json()["data"]["video"]
    assert (video["provider"], video["id"], video["status"]) == ("dailymotion", "x7lni3", "pending")
    assert video.get("duration_ms") is None


async def test_a_pending_video_is_filled_in_once_the_provider_is_back(
    clean_database: str, tmp_path: Path, dailymotion_server: FakeDailymotion
) -> None:
    env = {**dailymotion_env(dailymotion_server), "SUBDUB_HTTP_READ_TIMEOUT": "0.3"}
    async with api_client(clean_database, tmp_path, **env) as client:
        _, _, headers = await signed_in(client)
        created = await create_while_provider_is_slow(client, dailymotion_server, headers)
        project_id = created.json()["data"]["id"]
        dailymotion_server.server.latency_s = 0.0
        client.container.external.external().dailymotion.client.breaker._breaker.close()  # type: ignore[attr-defined]
        report = await client.container.catalogue.refresh_pending_videos().execute()  # type: ignore[attr-defined]
        assert report.filled == 1
        fetched = await client.get(f"/api/v1/projects/{project_id}", headers=headers)
    video = fetched.json()["data"]["video"]
    assert video["status"] == "ready"
    assert video["duration_ms"] == 136_000
    assert fetched.headers["etag"] != created.headers["etag"]
