"""The API and renders against a real S3 API (moto's server): ranged downloads straight from the bucket,
deleted projects' files leaving it, and the store's faults: unreachable, cut mid-render, refused credentials."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest

from adapters.cache.packed_clip_cache import PackedClipCache
from adapters.storage.fs_blob_store import FsBlobStore
from adapters.storage.read_through import ReadThroughBlobStore
from adapters.storage.s3_blob_store import S3BlobStore, S3Config
from application.use_cases.renders.execute_render import RenderOutcome, RenderRetry
from tests.support.app import api_client
from tests.support.s3 import ACCESS_KEY, SECRET_KEY, new_bucket, object_keys, s3_server
from tests.support.server import free_port
from tests.support.subtitles import team
from tests.support.tcp_proxy import cuttable_proxy

ROOT = Path(__file__).resolve().parents[2]
ESPEAK = {"voice": {"engine": "espeak", "name": "en-us"}, "format": "wav"}


def s3_env(endpoint: str, bucket: str) -> dict[str, str]:
    return {
        "SUBDUB_BLOB_URL": f"s3://{bucket}/subdub",
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
    }


async def request_render(client: Any, crew: Any) -> str:
    answer = await client.post(f"/api/v1/tracks/{crew.track['id']}/renders", json=ESPEAK, headers=crew.as_("owner"))
    assert answer.status_code == 202, answer.text
    return str(answer.json()["data"]["id"])


def render_keys(endpoint: str, bucket: str) -> list[str]:
    return [key for key in object_keys(endpoint, bucket) if key.startswith("subdub/renders/")]


# covers: S-SEC-9, S-API-4
async def test_audio_is_ranged_from_the_bucket_and_a_deleted_projects_object_is_purged(
    clean_database: str, tmp_path: Path, s3_endpoint: str
) -> None:
    bucket = new_bucket(s3_endpoint)
    async with api_client(clean_database, tmp_path, **s3_env(s3_endpoint, bucket)) as client:
        crew = await team(client)
        render_id = await request_render(client, crew)
        outcome = await client.container.renders.execute_render().execute(UUID(render_id), final_attempt=False)
        assert outcome is RenderOutcome.SUCCEEDED
        assert render_keys(s3_endpoint, bucket) == [f"subdub/renders/{render_id}.wav"]
        assert any(key.startswith("subdub/clips/") for key in object_keys(s3_endpoint, bucket))  # shared clip cache

        audio_url = f"/api/v1/renders/{render_id}/audio"
        whole = await client.get(audio_url, headers=crew.as_("viewer"))
        assert whole.status_code == 200 and whole.content[:4] == b"RIFF"
        part = await client.get(audio_url, headers={**crew.as_("viewer"), "Range": "bytes=8-15"})
        assert part.status_code == 206
        assert part.content == whole.content[8:16] == b"WAVEfmt "
        assert part.headers["content-range"] == f"bytes 8-15/{len(whole.content)}"

        deleted = await client.delete(f"/api/v1/projects/{crew.project['id']}", headers=crew.as_("owner"))
        assert deleted.status_code == 204
        gone = await client.get(audio_url, headers=crew.as_("owner"))
        assert gone.status_code == 404
        report = await client.container.renders.purge_project_blobs().execute()
        assert (report.projects, report.blobs, report.postponed) == (1, 1, 0)
        assert render_keys(s3_endpoint, bucket) == []
        again = await client.container.renders.purge_project_blobs().execute()
        assert again.projects == 0  # purged once


# covers: S-EXT-3
async def test_an_unreachable_store_degrades_readiness(clean_database: str, tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    async with api_client(clean_database, tmp_path, **s3_env(closed, "subdub-nowhere")) as client:
        ready = await client.get("/health/ready")
    assert ready.status_code == 200  # projects and cues still work: degraded, not down
    body = ready.json()
    assert body["status"] == "degraded"
    assert body["checks"]["storage"]["status"] == "down"
    assert "s3://subdub-nowhere/subdub" in body["checks"]["storage"]["detail"]
    assert body["checks"]["database"]["status"] == "ok"


# covers: S-JOB-2
async def test_a_render_whose_upload_is_cut_is_retried_and_leaves_no_object(
    clean_database: str, tmp_path: Path, s3_endpoint: str
) -> None:
    bucket = new_bucket(s3_endpoint)
    port = int(s3_endpoint.rsplit(":", 1)[1])
    with cuttable_proxy(f"host=127.0.0.1 port={port}") as proxy:
        endpoint = f"http://127.0.0.1:{proxy.port}"
        async with api_client(clean_database, tmp_path, **s3_env(endpoint, bucket)) as client:
            crew = await team(client)
            render_id = await request_render(client, crew)
            proxy.cut()
            with pytest.raises(RenderRetry):
                await client.container.renders.execute_render().execute(UUID(render_id), final_attempt=False)
            proxy.restore()
            assert render_keys(s3_endpoint, bucket) == []  # no half artifact under the final key
            requeued = await client.get(f"/api/v1/renders/{render_id}", headers=crew.as_("owner"))
            assert requeued.json()["data"]["status"] == "queued"
            assert requeued.json()["data"]["error"]["code"] == "storage_unavailable"

            outcome = await client.container.renders.execute_render().execute(UUID(render_id), final_attempt=False)
            assert outcome is RenderOutcome.SUCCEEDED
            assert render_keys(s3_endpoint, bucket) == [f"subdub/renders/{render_id}.wav"]


# covers: S-OPS-1
def test_refused_credentials_stop_the_worker_at_start_naming_the_variable(database_url: str, tmp_path: Path) -> None:
    with s3_server(check_credentials=True) as endpoint:
        env = {
            "PATH": "/usr/bin:/bin",
            "SUBDUB_ENV": "test",
            "SUBDUB_DATA_DIR": str(tmp_path),
            "SUBDUB_JWT_SECRET": "s" * 40,
            "DATABASE_URL": database_url,
            **s3_env(endpoint, "subdub-any"),
        }
        started = subprocess.run(
            [sys.executable, "-m", "entrypoints.cli.main", "worker"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert started.returncode == 2, started.stderr
    assert "AWS_ACCESS_KEY_ID" in started.stderr
    assert "does not know this access key" in started.stderr
    assert SECRET_KEY not in started.stderr + started.stdout


def test_blob_url_is_validated(tmp_path: Path) -> None:
    from entrypoints.settings import SettingsError, load_settings

    base = {"SUBDUB_ENV": "test", "SUBDUB_DATA_DIR": str(tmp_path)}
    for bad in ("http://bucket", "s3://", "s3:///prefix", "file://"):
        with pytest.raises(SettingsError) as caught:
            load_settings({**base, "SUBDUB_BLOB_URL": bad})
        assert caught.value.variable == "SUBDUB_BLOB_URL"
    with pytest.raises(SettingsError) as endpoint:
        load_settings({**base, "AWS_ENDPOINT_URL": "minio:9000"})
    assert endpoint.value.variable == "AWS_ENDPOINT_URL"
    assert load_settings({**base, "SUBDUB_BLOB_URL": "s3://b/p"}).blob_url == "s3://b/p"


def test_the_s3_test_server_is_loopback_only(s3_endpoint: str) -> None:
    host, port = s3_endpoint.removeprefix("http://").split(":")
    assert host == "127.0.0.1"
    with socket.create_connection((host, int(port)), timeout=2):
        pass


def test_a_second_machine_reuses_the_clips_the_first_stored_in_the_bucket(s3_endpoint: str, tmp_path: Path) -> None:
    bucket = new_bucket(s3_endpoint)
    shared = S3Config(
        f"s3://{bucket}/subdub", access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY, endpoint_url=s3_endpoint
    )

    def machine(name: str) -> tuple[PackedClipCache, Path]:
        local = tmp_path / name
        return PackedClipCache(ReadThroughBlobStore(FsBlobStore(local, durable=False), S3BlobStore(shared))), local

    first, first_dir = machine("a")
    second, second_dir = machine("b")
    clips = {f"{n:064x}": bytes([n]) * 3000 for n in range(12)}
    first.put_many(clips)
    assert [key for key in object_keys(s3_endpoint, bucket) if key.startswith("subdub/clips/")]
    assert second.get_many(list(clips)) == clips  # found through the bucket, not synthesized again
    local_copies = [p for p in second_dir.rglob("*") if p.is_file()]
    assert local_copies  # now read from the second machine's own disk
    for copy in local_copies:  # the pruner deleted them: read through the bucket again
        copy.unlink()
    fresh, _ = machine("b")
    assert fresh.get(f"{3:064x}") == clips[f"{3:064x}"]
    assert first_dir.exists()


async def test_a_deleted_project_with_a_render_in_flight_is_purged_once_it_settles(
    clean_database: str, tmp_path: Path
) -> None:
    async with api_client(clean_database, tmp_path) as client:  # the filesystem store: the sweep is the same
        crew = await team(client)
        render_id = await request_render(client, crew)  # queued: a worker could still write its file
        deleted = await client.delete(f"/api/v1/projects/{crew.project['id']}", headers=crew.as_("owner"))
        assert deleted.status_code == 204
        purge = client.container.renders.purge_project_blobs()
        assert (await purge.execute()).postponed == 1
        store = client.container.voice.blob_store()
        with store.writer(f"renders/{render_id}.wav") as sink:  # the in-flight render finishes after all
            sink.write(b"RIFF late")
        with psycopg.connect(clean_database, autocommit=True) as conn:
            conn.execute("UPDATE renders SET status = 'succeeded' WHERE id = %s", (render_id,))
        report = await purge.execute()
        assert (report.projects, report.blobs, report.postponed) == (1, 1, 0)
        assert not store.exists(f"renders/{render_id}.wav")
