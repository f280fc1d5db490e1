"""An import job run again writes nothing twice: real PostgreSQL, the worker's task, fake OpenSubtitles."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from adapters.subtitles.codec import IsolatedSubtitleCodec
from application.ports.catalog import DownloadedSubtitleFile, SubtitleCatalog
from application.use_cases.catalogue.import_track import ImportSubtitleTrack
from entrypoints.worker.tasks import import_track
from tests.fakes.provider_fixtures import opensubtitles_env
from tests.fakes.provider_servers import FakeOpenSubtitles
from tests.integration.providers.test_track_imports import request_import, run_queued_jobs, tracks_of
from tests.support.app import api_client
from tests.support.subtitles import Team, team

pytestmark = pytest.mark.db


def job_args(database_url: str, job_id: int) -> dict[str, Any]:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT args FROM procrastinate_jobs WHERE id = %(id)s", {"id": job_id}).fetchone()
    assert row is not None
    return dict(row[0])


def created_audits(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM audit_logs WHERE action = %(a)s", {"a": "track.created"}).fetchone()
    assert row is not None
    return int(row[0])


def run_again(client: AsyncTestClient[Any], job_id: int, attempts: int = 1) -> Any:
    """The context procrastinate hands a task when it runs job `job_id` once more."""
    container = client.container  # type: ignore[attr-defined]
    return SimpleNamespace(
        additional_context={"container": container}, job=SimpleNamespace(id=job_id, attempts=attempts)
    )


class CountedCatalog:
    """The configured catalogue, counting downloads asked of it (the adapter's file cache would hide them)."""

    def __init__(self, real: SubtitleCatalog) -> None:
        self.provider = real.provider
        self._real = real
        self.downloads = 0

    async def download(self, file_id: int) -> DownloadedSubtitleFile:
        self.downloads += 1
        return await self._real.download(file_id)


def counted(client: AsyncTestClient[Any]) -> CountedCatalog:
    container = client.container  # type: ignore[attr-defined]
    catalog = CountedCatalog(container.external.subtitle_catalog())
    container.external.subtitle_catalog.override(providers.Object(catalog))
    return catalog


async def imported(client: AsyncTestClient[Any], crew: Team) -> list[dict[str, Any]]:
    return [t for t in await tracks_of(client, crew) if t["id"] != crew.track["id"]]


async def test_a_job_run_again_after_its_commit_returns_the_same_track(
    clean_database: str, tmp_path: Path, opensubtitles_server: FakeOpenSubtitles
) -> None:
    # covers: S-JOB-2
    file_id = opensubtitles_server.file_ids()[0]
    async with api_client(clean_database, tmp_path, **opensubtitles_env(opensubtitles_server)) as client:
        crew = await team(client)
        catalog = counted(client)
        audits_before = created_audits(clean_database)
        response = await request_import(client, crew, file_id=file_id, language="de")
        job_id = response.json()["data"]["job_id"]
        await run_queued_jobs(client)
        (first,) = await imported(client, crew)
        assert catalog.downloads == 1

        # The worker died after the commit, before procrastinate recorded the job as done: it runs again.
        track_id = await import_track(run_again(client, job_id), **job_args(clean_database, job_id))

        assert track_id == first["id"]
        assert await imported(client, crew) == [first]
        assert created_audits(clean_database) == audits_before + 1
        assert catalog.downloads == 1  # the re-run found its track before asking the provider


class OvertakenCatalog:
    """The provider as a first run sees it: while it downloads, a second run of the same job finishes."""

    def __init__(self, real: SubtitleCatalog, second_run: Any) -> None:
        self.provider = real.provider
        self._real, self._second_run = real, second_run

    async def download(self, file_id: int) -> DownloadedSubtitleFile:
        await self._second_run()
        return await self._real.download(file_id)


async def test_two_runs_of_a_job_racing_past_the_check_leave_one_track(
    clean_database: str, tmp_path: Path, opensubtitles_server: FakeOpenSubtitles
) -> None:
    # covers: S-JOB-2
    file_id = opensubtitles_server.file_ids()[0]
    async with api_client(clean_database, tmp_path, **opensubtitles_env(opensubtitles_server)) as client:
        container = client.container  # type: ignore[attr-defined]
        crew = await team(client)
        catalog = counted(client)
        audits_before = created_audits(clean_database)
        job_id = (await request_import(client, crew, file_id=file_id)).json()["data"]["job_id"]
        args = job_args(clean_database, job_id)
        second_run = run_again(client, job_id)  # the container as is: the real catalogue
        overtaken = OvertakenCatalog(catalog, lambda: import_track(second_run, **args))
        first_run = ImportSubtitleTrack(
            container.core.unit_of_work(),
            container.core.clock(),
            container.core.ids(),
            IsolatedSubtitleCodec(),
            overtaken,
        )
        first_context = SimpleNamespace(
            additional_context={
                "container": SimpleNamespace(catalogue=SimpleNamespace(import_subtitle_track=lambda: first_run))
            },
            job=SimpleNamespace(id=job_id, attempts=0),
        )
        track_id = await import_track(first_context, **args)

        (track,) = await imported(client, crew)
        assert track["id"] == track_id
        assert created_audits(clean_database) == audits_before + 1
        assert catalog.downloads == 2  # both runs downloaded; the unique job id let one write
