"""Project media over HTTP against real PostgreSQL: uploads probed on arrival, every kind of bad input
refused with a problem and nothing kept, who may do what, renders checked against their media."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from tests.support.app import api_client
from tests.support.media import make_media
from tests.support.subtitles import Team, team

LIMIT = 400_000


def stored_media(data_dir: Path) -> list[Path]:
    root = data_dir / "blobs" / "media"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def upload(client: AsyncTestClient[Any], crew: Team, who: str, name: str, data: bytes, **fields: str) -> Any:
    files = {"file": (name, data, "application/octet-stream")}
    url = f"/api/v1/projects/{crew.project['id']}/media"
    return await client.post(url, files=files, data=fields, headers=crew.as_(who))


# covers: S-API-3, S-API-4, S-API-9, S-SEC-4
async def test_uploads_are_probed_and_bad_files_refused(clean_database: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    film = make_media(tmp_path / "film.mkv", seconds=3.0, audio_tracks=(("eng", 440.0), ("deu", 880.0))).read_bytes()
    async with api_client(clean_database, data_dir, SUBDUB_MAX_MEDIA_BYTES=str(LIMIT)) as client:
        crew = await team(client)
        assert (await upload(client, crew, "viewer", "film.mkv", film)).status_code == 403
        assert (await upload(client, crew, "outsider", "film.mkv", film)).status_code == 404

        not_media = await upload(client, crew, "editor", "notes.txt", b"just some text, not a video\n" * 50)
        assert not_media.status_code == 422 and not_media.json()["code"] == "not_media"
        truncated = await upload(client, crew, "editor", "cut.mkv", film[: len(film) // 2])
        assert truncated.status_code == 422 and truncated.json()["code"] == "truncated_media"
        assert "truncated" in truncated.json()["detail"]
        too_big = await upload(client, crew, "editor", "big.mkv", film + b"\0" * LIMIT)
        assert too_big.status_code == 413 and too_big.json()["code"] == "upload_too_large"
        bad_role = await upload(client, crew, "editor", "film.mkv", film, role="trailer")
        assert bad_role.status_code == 422 and bad_role.json()["errors"][0]["field"] == "role"

        # a body that stops in the middle of the file (the client went away): nothing is kept
        boundary = "cut-here"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="film.mkv"\r\n'
            "Content-Type: video/x-matroska\r\n\r\n"
        ).encode()
        interrupted = await client.post(
            f"/api/v1/projects/{crew.project['id']}/media",
            content=head + film[:5000],
            headers={**crew.as_("editor"), "Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert interrupted.status_code == 400
        no_file = await client.post(
            f"/api/v1/projects/{crew.project['id']}/media",
            data={"role": "original"},
            files={},
            headers=crew.as_("editor"),
        )
        assert no_file.status_code in (400, 415)
        assert stored_media(data_dir) == []  # no refusal left a file behind
        listed = await client.get(f"/api/v1/projects/{crew.project['id']}/media", headers=crew.as_("viewer"))
        assert listed.status_code == 200 and listed.json()["data"] == []

        good = await upload(client, crew, "editor", "film.mkv", film, role="original")
        assert good.status_code == 201, good.text
        media = good.json()["data"]
        assert good.headers["location"].endswith(media["id"])
        assert [(s["type"], s.get("language")) for s in media["streams"]] == [
            ("video", None),
            ("audio", "en"),
            ("audio", "de"),
        ]
        assert media["size_bytes"] == len(film) and media["role"] == "original"
        assert len(stored_media(data_dir)) == 1

        url = f"/api/v1/projects/{crew.project['id']}/media/{media['id']}"
        assert (await client.delete(url, headers=crew.as_("viewer"))).status_code == 403
        assert (await client.delete(url, headers=crew.as_("editor"))).status_code == 204
        assert (await client.delete(url, headers=crew.as_("editor"))).status_code == 404
        assert stored_media(data_dir) == []

        again = await upload(client, crew, "owner", "film.mkv", film)
        assert again.status_code == 201
        gone = await client.delete(f"/api/v1/projects/{crew.project['id']}", headers=crew.as_("owner"))
        assert gone.status_code == 204
        hidden = await client.get(f"/api/v1/projects/{crew.project['id']}/media", headers=crew.as_("owner"))
        assert hidden.status_code == 404
        await client.container.renders.purge_project_blobs().execute()  # type: ignore[attr-defined]  # the worker's sweep
        assert stored_media(data_dir) == []  # deleted with the project


# covers: S-API-3
async def test_renders_are_checked_against_their_media(clean_database: str, tmp_path: Path) -> None:
    film = make_media(tmp_path / "film.mkv", seconds=3.0, audio_tracks=(("eng", 440.0), ("deu", 880.0))).read_bytes()
    silent = make_media(tmp_path / "silent.mkv", seconds=3.0, audio_tracks=()).read_bytes()
    song = make_media(tmp_path / "song.m4a", seconds=3.0, video=False).read_bytes()
    async with api_client(clean_database, tmp_path / "data") as client:
        crew = await team(client)
        other = await team(client)
        ids = {}
        for name, data, who in (("film.mkv", film, crew), ("silent.mkv", silent, crew), ("song.m4a", song, crew)):
            response = await upload(client, who, "editor", name, data)
            assert response.status_code == 201, response.text
            ids[name] = response.json()["data"]["id"]
        assert (await upload(client, crew, "editor", "song.m4a", song)).json()["data"]["kind"] == "audio"
        foreign = (await upload(client, other, "owner", "film.mkv", film)).json()["data"]["id"]

        url = f"/api/v1/tracks/{crew.track['id']}/renders"
        base = {"voice": {"engine": "espeak", "name": "en-us"}}

        async def ask(**body: Any) -> Any:
            return await client.post(url, json={**base, **body}, headers=crew.as_("editor"))

        def refused(response: Any, code: str, field: str) -> None:
            assert response.status_code == 422, response.text
            assert response.json()["code"] == code
            assert response.json()["errors"][0]["field"] == field

        refused(await ask(format="mkv"), "invalid_value", "media_id")
        refused(await ask(format="wav", mix="voiceover"), "invalid_value", "media_id")
        refused(await ask(format="wav", mix="replace", media_id=ids["film.mkv"]), "invalid_value", "music_effects_id")
        refused(await ask(format="mkv", media_id=foreign), "unknown_media", "media_id")
        refused(await ask(format="mkv", media_id=ids["song.m4a"]), "media_unfit", "media_id")
        refused(await ask(format="webm", media_id=ids["film.mkv"]), "container_unsupported_video", "format")
        refused(await ask(format="mkv", mix="voiceover", media_id=ids["silent.mkv"]), "media_unfit", "media_id")
        refused(
            await ask(format="mkv", mix="voiceover", media_id=ids["film.mkv"], source_language="fr"),
            "invalid_value",
            "source_language",
        )
        refused(await ask(format="mkv", media_id=ids["film.mkv"], duck_db=-80), "invalid_value", "duck_db")

        chosen = await ask(format="mkv", mix="voiceover", media_id=ids["film.mkv"], source_language="ger")
        assert chosen.status_code == 202, chosen.text
        render = chosen.json()["data"]
        assert render["source_language"] == "de" and render["language"] == "en"  # the track's language
        assert render["progress"]["total"] == 9  # synthesis, mixing and delivery: one unit per cue each
        replace = await ask(format="mkv", mix="replace", media_id=ids["silent.mkv"], music_effects_id=ids["song.m4a"])
        assert replace.status_code == 202, replace.text  # no audio in the video: fine over an M&E stem
        voice_only = await ask(format="mp4", media_id=ids["film.mkv"], default_track="original")
        assert voice_only.status_code == 202, voice_only.text
