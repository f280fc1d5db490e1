"""A project created while Dailymotion is down: its fill job is retried until the provider is back, and the
periodic sweep fills what an exhausted job left. Real PostgreSQL, the fake Dailymotion, and a worker in this
process with a container of its own (as `subdub worker` has: the API's provider clients live on its loop)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from adapters.queue.observability import JobObserver
from entrypoints.wiring import Container, build_container
from tests.fakes.http_server import FakeResponse
from tests.fakes.provider_fixtures import dailymotion_env
from tests.fakes.provider_servers import FakeDailymotion
from tests.support.app import api_client
from tests.support.app import test_settings as settings_for
from tests.support.identity import signed_in

pytestmark = pytest.mark.db

RETRY_BASE_S = 0.05


MAX_ATTEMPTS = 3
# Backoff in tens of milliseconds and three attempts: the worker's policy comes from its settings.
QUICK_JOB_RETRIES = {
    "SUBDUB_JOB_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
    "SUBDUB_JOB_RETRY_BASE_SECONDS": str(RETRY_BASE_S),
    "SUBDUB_JOB_RETRY_MAX_SECONDS": str(RETRY_BASE_S * 2),
}


@asynccontextmanager
async def worker_container(database_url: str, tmp_path: Path, **env: str) -> AsyncIterator[Container]:
    container = build_container(settings_for(tmp_path, **QUICK_JOB_RETRIES, **env), database_url)
    pool = container.core.pool()
    await pool.open(wait=True, timeout=30)
    await container.core.queue_app().open_async(pool)
    try:
        yield container
    finally:
        await container.core.queue_app().close_async()
        await container.external.external().aclose()
        await pool.close()


async def run_queued_jobs(worker: Container) -> None:
    """What `subdub worker` does, until the queue has nothing left to run now."""
    await worker.core.queue_app().run_worker_async(
        wait=False,
        install_signal_handlers=False,
        additional_context={"container": worker},
        worker_middleware=[JobObserver(worker.core.pool())],
    )


def take_down(server: FakeDailymotion) -> None:
    server.server.fault_pattern = lambda index: FakeResponse.json({"error": "maintenance"}, status=503)


def bring_back(server: FakeDailymotion) -> None:
    server.server.fault_pattern = None


async def create_project(client: AsyncTestClient[Any], headers: dict[str, str]) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/projects",
        json={"title": "Later", "video": {"provider": "dailymotion", "id": FakeDailymotion.KNOWN}},
        headers={**headers, "X-Request-ID": "create-while-down"},
    )
    assert response.status_code == 201, response.text
    project: dict[str, Any] = response.json()["data"]
    assert project["video"]["status"] == "pending"
    return project


@dataclass
class Scene:
    client: AsyncTestClient[Any]
    worker: Container
    owner: dict[str, str]
    admin: dict[str, str]
    project: dict[str, Any]


@asynccontextmanager
async def project_created_while_down(
    database_url: str, tmp_path: Path, server: FakeDailymotion
) -> AsyncIterator[Scene]:
    """The API and a worker on the fake Dailymotion, an owner and an admin, and a project created while it is down."""
    env = dailymotion_env(server)
    async with (
        api_client(database_url, tmp_path, **env) as client,
        worker_container(database_url, tmp_path, **env) as worker,
    ):
        _, _, owner = await signed_in(client)
        _, _, admin = await signed_in(client, admin=True, database_url=database_url)
        take_down(server)
        yield Scene(client, worker, owner, admin, await create_project(client, owner))


async def jobs(client: AsyncTestClient[Any], admin: dict[str, str], **params: str) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/admin/jobs", params=params, headers=admin)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


async def video_of(client: AsyncTestClient[Any], project: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(f"/api/v1/projects/{project['id']}", headers=headers)
    return dict(response.json()["data"]["video"])


async def retry_due() -> None:
    await asyncio.sleep(RETRY_BASE_S * 2 + 0.1)


async def test_a_pending_video_is_filled_by_its_job_retried_until_the_provider_is_back(
    clean_database: str, tmp_path: Path, dailymotion_server: FakeDailymotion
) -> None:
    # covers: S-JOB-2, S-JOB-4
    async with project_created_while_down(clean_database, tmp_path, dailymotion_server) as scene:
        client, worker, owner, admin, project = scene.client, scene.worker, scene.owner, scene.admin, scene.project
        (queued,) = await jobs(client, admin, status="todo")
        assert queued["task"] == "subdub:fill_project_video" and queued["trace_id"] == "create-while-down"

        await run_queued_jobs(worker)  # still down: the run fails and the job waits for its retry

        (waiting,) = await jobs(client, admin, status="todo")
        assert (waiting["id"], waiting["attempts"]) == (queued["id"], 1)
        assert "ProviderUnavailable" in waiting["last_error"]
        assert (await video_of(client, project, owner))["status"] == "pending"

        bring_back(dailymotion_server)
        await retry_due()
        await run_queued_jobs(worker)

        (done,) = await jobs(client, admin, status="succeeded")
        assert (done["id"], done["attempts"]) == (queued["id"], 2)
        video = await video_of(client, project, owner)
        assert (video["status"], video["duration_ms"]) == ("ready", 136_000)
        audit = await client.get("/api/v1/admin/audit-logs", params={"entity_id": project["id"]}, headers=admin)
        filled = [e for e in audit.json()["data"] if e["action"] == "project.video_filled"]
        assert [e["trace_id"] for e in filled] == ["create-while-down"]


async def test_the_periodic_sweep_fills_what_an_exhausted_job_left_pending(
    clean_database: str, tmp_path: Path, dailymotion_server: FakeDailymotion
) -> None:
    async with project_created_while_down(clean_database, tmp_path, dailymotion_server) as scene:
        client, worker, owner, admin, project = scene.client, scene.worker, scene.owner, scene.admin, scene.project
        for _ in range(MAX_ATTEMPTS):
            await run_queued_jobs(worker)
            await retry_due()
        (dead,) = await jobs(client, admin, status="failed")
        assert (dead["task"], dead["attempts"]) == ("subdub:fill_project_video", MAX_ATTEMPTS)
        assert (await video_of(client, project, owner))["status"] == "pending"

        bring_back(dailymotion_server)
        worker.external.external().dailymotion.client.breaker._breaker.close()  # no waiting out the reset timeout
        # What the worker's periodic deferrer does on a 10-minute tick.
        sweep = worker.core.queue_app().configure_task("subdub:refresh_pending_videos")
        sweep_id = await sweep.defer_async(timestamp=0)
        await run_queued_jobs(worker)

        assert sweep_id in [j["id"] for j in await jobs(client, admin, status="succeeded")]
        assert (await video_of(client, project, owner))["status"] == "ready"
