"""Tracks over HTTP: JSON and multipart creation, messy files, limits, export."""

from __future__ import annotations

from pathlib import Path

from tests.support.app import api_client
from tests.support.subtitles import cues, new_project, new_track, person

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "subtitles"


async def test_upload_repairs_a_messy_file_and_exports_it(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        project = await new_project(client, owner)
        upload = await client.post(
            f"/api/v1/projects/{project['id']}/tracks",
            files={"file": ("messy.srt", (FIXTURES / "messy_crlf.srt").read_bytes(), "application/x-subrip")},
            data={"language": "en"},
            headers=owner.headers,
        )
        assert upload.status_code == 201, upload.text
        track = upload.json()["data"]
        assert track["source"] == {"kind": "upload", "format": "srt", "filename": "messy.srt"}
        assert track["cue_count"] == 3
        assert track["duration_ms"] == 9000
        assert track["label"] == "messy.srt"
        assert len(track["warnings"]) == 3

        listed = (await client.get(f"/api/v1/tracks/{track['id']}/cues", headers=owner.headers)).json()["data"]
        assert listed[2]["text"] == "'; DROP TABLE cues; --"

        for fmt, media_type in (("srt", "application/x-subrip"), ("vtt", "text/vtt"), ("ass", "text/x-ssa")):
            exported = await client.get(f"/api/v1/tracks/{track['id']}/export?format={fmt}", headers=owner.headers)
            assert exported.status_code == 200
            assert exported.headers["content-type"].startswith(media_type)
            assert exported.headers["content-type"].count("charset=utf-8") == 1
            assert exported.headers["content-disposition"] == f'attachment; filename="track-{track["id"]}.{fmt}"'
            again = await client.post(
                f"/api/v1/projects/{project['id']}/tracks",
                files={"file": (f"again.{fmt}", exported.content, "application/octet-stream")},
                data={"language": "en", "label": "re-import"},
                headers=owner.headers,
            )
            assert again.status_code == 201
            assert again.json()["data"]["warnings"] == []
            back = await client.get(f"/api/v1/tracks/{again.json()['data']['id']}/cues", headers=owner.headers)
            assert [(c["start_ms"], c["end_ms"], c["text"]) for c in back.json()["data"]] == [
                (c["start_ms"], c["end_ms"], c["text"]) for c in listed
            ]
        bad_format = await client.get(f"/api/v1/tracks/{track['id']}/export?format=doc", headers=owner.headers)
        assert bad_format.status_code == 400


async def test_every_corpus_file_imports_or_answers_422(clean_database: str, tmp_path: Path, shared_dir: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        project = await new_project(client, owner)
        for path in sorted((shared_dir / "corpus" / "subtitles").glob("*.*")):
            if path.suffix not in {".srt", ".vtt", ".ass", ".ssa"}:
                continue
            response = await client.post(
                f"/api/v1/projects/{project['id']}/tracks",
                files={"file": (path.name, path.read_bytes(), "application/octet-stream")},
                data={"language": "en"},
                headers=owner.headers,
            )
            assert response.status_code in (201, 422), (path.name, response.status_code, response.text[:200])
            if response.status_code == 422:
                assert response.json()["code"] == "unreadable_subtitles"
                assert response.json()["detail"]


async def test_files_that_are_not_subtitles_are_422(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        project = await new_project(client, owner)
        for name in ("image.srt", "garbage.srt"):
            response = await client.post(
                f"/api/v1/projects/{project['id']}/tracks",
                files={"file": (name, (FIXTURES / name).read_bytes(), "application/x-subrip")},
                data={"language": "en"},
                headers=owner.headers,
            )
            assert response.status_code == 422, name
            assert response.json()["errors"][0]["field"] == "file"
        letter = await client.post(
            f"/api/v1/projects/{project['id']}/tracks",
            files={"file": ("letter.srt", b"1\nHello, this is a letter.\n", "text/plain")},
            data={"language": "en"},
            headers=owner.headers,
        )
        assert letter.status_code == 422
        assert "line 2" in letter.json()["detail"]
        tracks = await client.get(f"/api/v1/projects/{project['id']}/tracks", headers=owner.headers)
        assert tracks.json()["data"] == []  # nothing half-written


# covers: S-API-9
async def test_a_6_mib_upload_is_refused_before_it_is_read(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        project = await new_project(client, owner)
        block = b"1\n00:00:01,000 --> 00:00:02,000\nfiller text\n\n" * (6 * 1024 * 1024 // 44 + 1)
        response = await client.post(
            f"/api/v1/projects/{project['id']}/tracks",
            files={"file": ("big.srt", block, "application/x-subrip")},
            data={"language": "en"},
            headers=owner.headers,
        )
        assert response.status_code == 413
        assert response.headers["content-type"].startswith("application/problem+json")
        with_key = await client.post(
            f"/api/v1/projects/{project['id']}/tracks",
            files={"file": ("big.srt", block, "application/x-subrip")},
            data={"language": "en"},
            headers=owner.headers | {"Idempotency-Key": "big-upload"},
        )
        assert with_key.status_code == 413
        big_json = await client.post(
            f"/api/v1/projects/{project['id']}/tracks",
            json={"language": "en", "cues": cues(1), "label": "x" * (2 * 1024 * 1024)},
            headers=owner.headers,
        )
        assert big_json.status_code == 413


async def test_bad_cues_in_a_new_track_are_named_and_nothing_is_written(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        project = await new_project(client, owner)
        bad = [
            {"start_ms": 0, "end_ms": 1000, "text": "fine"},
            {"start_ms": 1000, "end_ms": 1000, "text": "zero"},
            {"start_ms": -5, "end_ms": 10, "text": "negative"},
            {"start_ms": 0, "end_ms": 86_400_001, "text": "past 24 h"},
            {"start_ms": 0, "end_ms": 10, "text": "  "},
            {"start_ms": 0, "end_ms": 10, "text": "x" * 2001},
        ]
        response = await client.post(
            f"/api/v1/projects/{project['id']}/tracks", json={"language": "en", "cues": bad}, headers=owner.headers
        )
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == [
            "cues[1].end_ms",
            "cues[2].start_ms",
            "cues[3].end_ms",
            "cues[4].text",
            "cues[5].text",
        ]
        bad_language = await client.post(
            f"/api/v1/projects/{project['id']}/tracks", json={"language": "english!"}, headers=owner.headers
        )
        assert bad_language.status_code == 422
        assert bad_language.json()["errors"][0]["field"] == "language"
        wrong_type = await client.post(
            f"/api/v1/projects/{project['id']}/tracks",
            content=b"language=en",
            headers=owner.headers | {"Content-Type": "text/plain"},
        )
        assert wrong_type.status_code == 415
        assert (await client.get(f"/api/v1/projects/{project['id']}/tracks", headers=owner.headers)).json()[
            "data"
        ] == []


# covers: S-API-7
async def test_track_relabel_with_if_match_and_soft_delete(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        project = await new_project(client, owner)
        track = await new_track(client, project["id"], owner, cues(4))
        url = f"/api/v1/tracks/{track['id']}"
        read = await client.get(url, headers=owner.headers)
        assert read.json()["data"]["cue_count"] == 4
        assert read.json()["data"]["duration_ms"] == 3500
        ok = await client.patch(
            url, json={"label": "EN (SDH)"}, headers=owner.headers | {"If-Match": read.headers["etag"]}
        )
        assert ok.status_code == 200
        assert ok.json()["data"]["label"] == "EN (SDH)"
        stale = await client.patch(url, json={"label": "x"}, headers=owner.headers | {"If-Match": read.headers["etag"]})
        assert stale.status_code == 412
        assert (await client.delete(url, headers=owner.headers)).status_code == 204
        assert (await client.get(url, headers=owner.headers)).status_code == 404
        assert (await client.get(f"{url}/cues", headers=owner.headers)).status_code == 404
