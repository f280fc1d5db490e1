"""POST /projects/{id}/track-imports end to end: real app, the worker's task run in-process, fake OpenSubtitles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from adapters.queue.observability import JobObserver
from tests.fakes.provider_fixtures import opensubtitles_env
from tests.fakes.provider_servers import FakeOpenSubtitles, load
from tests.support.app import api_client
from tests.support.identity import signed_in
from tests.support.subtitles import Team, team

pytestmark = pytest.mark.db


async def run_queued_jobs(client: AsyncTestClient[Any]) -> None:
    """What `subdub worker` does, in this process, until the queue has nothing left to run now."""
    container = client.container  # type: ignore[attr-defined]
    await container.core.queue_app().run_worker_async(
        wait=False,
        install_signal_handlers=False,
        additional_context={"container": container},
        worker_middleware=[JobObserver(container.core.pool())],
    )


async def request_import(client: AsyncTestClient[Any], crew: Team, role: str = "editor", **body: Any) -> Any:
    payload = {"provider": "opensubtitles", "file_id": body.pop("file_id", 0), "language": "en", **body}
    return await client.post(
        f"/api/v1/projects/{crew.project['id']}/track-imports", json=payload, headers=crew.as_(role)
    )


async def tracks_of(client: AsyncTestClient[Any], crew: Team) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/projects/{crew.project['id']}/tracks", headers=crew.as_("owner"))
    return list(response.json()["data"])


async def test_an_import_is_queued_and_its_track_appears_when_the_job_finishes(
    clean_database: str, tmp_path: Path, opensubtitles_server: FakeOpenSubtitles
) -> None:
    # covers: S-JOB-1, S-JOB-4
    file_id = opensubtitles_server.file_ids()[0]
    async with api_client(clean_database, tmp_path, **opensubtitles_env(opensubtitles_server)) as client:
        crew = await team(client)
        _, _, admin = await signed_in(client, admin=True, database_url=clean_database)
        response = await request_import(client, crew, file_id=file_id, language="de")
        assert response.status_code == 202, response.text
        queued = response.json()["data"]
        assert queued == {
            "job_id": queued["job_id"],
            "status": "queued",
            "provider": "opensubtitles",
            "file_id": file_id,
            "language": "de",
        }
        assert len(await tracks_of(client, crew)) == 1  # only the team's own track so far
        jobs = (await client.get("/api/v1/admin/jobs", params={"status": "todo"}, headers=admin)).json()["data"]
        assert [(j["id"], j["task"]) for j in jobs] == [(queued["job_id"], "subdub:import_track")]
        assert jobs[0]["trace_id"]

        await run_queued_jobs(client)

        imported = [t for t in await tracks_of(client, crew) if t["id"] != crew.track["id"]]
        assert len(imported) == 1, imported
        assert imported[0]["language"] == "de" and imported[0]["cue_count"] > 0
        assert imported[0]["source"]["kind"] == "import"
        done = (await client.get("/api/v1/admin/jobs", params={"status": "succeeded"}, headers=admin)).json()
        assert [j["id"] for j in done["data"]] == [queued["job_id"]]
        audit = await client.get("/api/v1/admin/audit-logs", params={"entity_id": crew.project["id"]}, headers=admin)
        assert "track_import.requested" in [entry["action"] for entry in audit.json()["data"]]


async def test_a_spent_quota_fails_the_job_with_the_reset_time_and_writes_no_track(
    clean_database: str, tmp_path: Path, opensubtitles_server: FakeOpenSubtitles
) -> None:
    opensubtitles_server.downloads_remaining = 0
    file_id = opensubtitles_server.file_ids()[0]
    async with api_client(clean_database, tmp_path, **opensubtitles_env(opensubtitles_server)) as client:
        crew = await team(client)
        _, _, admin = await signed_in(client, admin=True, database_url=clean_database)
        response = await request_import(client, crew, role="owner", file_id=file_id)
        assert response.status_code == 202, response.text

        await run_queued_jobs(client)

        failed = await client.get("/api/v1/admin/jobs", params={"status": "failed"}, headers=admin)
        (job,) = failed.json()["data"]
        assert job["id"] == response.json()["data"]["job_id"] and job["task"] == "subdub:import_track"
        assert job["attempts"] == 1  # a spent quota is not retried before its reset time
        assert "provider_quota_exhausted" in job["last_error"]
        assert opensubtitles_reset_time() in job["last_error"]
        assert len(await tracks_of(client, crew)) == 1


def opensubtitles_reset_time() -> str:
    """The recorded reset time to the second (the error may spell its fraction differently)."""
    return str(load("opensubtitles.download.response.json")["reset_time_utc"])[:19]


async def test_who_and_what_may_not_request_an_import(
    clean_database: str, tmp_path: Path, opensubtitles_server: FakeOpenSubtitles
) -> None:
    file_id = opensubtitles_server.file_ids()[0]
    async with api_client(clean_database, tmp_path, **opensubtitles_env(opensubtitles_server)) as client:
        crew = await team(client)
        _, _, admin = await signed_in(client, admin=True, database_url=clean_database)
        assert (await request_import(client, crew, role="outsider", file_id=file_id)).status_code == 404
        assert (await request_import(client, crew, role="viewer", file_id=file_id)).status_code == 403
        path = f"/api/v1/projects/{crew.project['id']}/track-imports"
        assert (await client.post(path, json={"provider": "opensubtitles", "file_id": 1})).status_code == 401
        for malformed in (b"{not json", b'{"provider": "opensubtitles", "file_id": "x", "language": "en"}', b"[]"):
            bad = await client.post(
                path, content=malformed, headers={**crew.as_("editor"), "content-type": "application/json"}
            )
            assert bad.status_code == 400, (malformed, bad.text)
        bad = await request_import(client, crew, file_id=-1, language="e n")
        assert bad.status_code == 422
        assert {e["field"] for e in bad.json()["errors"]} == {"file_id", "language"}
        unknown = await request_import(client, crew, file_id=file_id, provider="podnapisi")
        assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_provider"
        jobs = (await client.get("/api/v1/admin/jobs", headers=admin)).json()["data"]
        assert jobs == []  # nothing refused was queued


async def test_an_unconfigured_provider_answers_503_provider_disabled(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        crew = await team(client)
        response = await request_import(client, crew, file_id=1)
        assert response.status_code == 503
        assert response.json()["code"] == "provider_disabled"
        assert int(response.headers["retry-after"]) >= 1
