"""Cues over HTTP: ordered cursor pages, create with client UUIDs, If-Match, bad input."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.support.app import api_client
from tests.support.subtitles import new_project, new_track, person


# covers: S-API-5
async def test_cues_page_in_start_then_id_order(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        project = await new_project(client, owner)
        same_start = [{"start_ms": 500, "end_ms": 900, "text": f"dup {i}"} for i in range(3)]
        spread = [{"start_ms": s, "end_ms": s + 100, "text": f"at {s}"} for s in (3000, 0, 2000, 1000)]
        track = await new_track(client, project["id"], owner, spread + same_start)
        seen: list[tuple[int, str]] = []
        cursor = None
        while True:
            query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
            page = (await client.get(f"/api/v1/tracks/{track['id']}/cues?{query}", headers=owner.headers)).json()
            assert page["meta"]["limit"] == 2
            seen += [(c["start_ms"], c["id"]) for c in page["data"]]
            cursor = page["meta"]["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == 7
        assert seen == sorted(seen)


# covers: S-API-7, S-DB-3
async def test_create_patch_delete_with_if_match(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        project = await new_project(client, owner)
        track = await new_track(client, project["id"], owner)
        client_id = str(uuid.uuid4())  # a version-4 id from an offline client is kept
        created = await client.post(
            f"/api/v1/tracks/{track['id']}/cues",
            json={
                "id": client_id,
                "start_ms": 0,
                "end_ms": 800,
                "text": "Hi",
                "voice": {"engine": "espeak", "name": "en"},
            },
            headers=owner.headers,
        )
        assert created.status_code == 201
        assert created.json()["data"]["id"] == client_id
        assert created.headers["location"].endswith(f"/cues/{client_id}")
        again = await client.post(
            f"/api/v1/tracks/{track['id']}/cues",
            json={"id": client_id, "start_ms": 0, "end_ms": 5, "text": "x"},
            headers=owner.headers,
        )
        assert again.status_code == 409
        server_id = (
            await client.post(
                f"/api/v1/tracks/{track['id']}/cues",
                json={"start_ms": 0, "end_ms": 5, "text": "x"},
                headers=owner.headers,
            )
        ).json()["data"]["id"]
        assert uuid.UUID(server_id).version == 7

        url = f"/api/v1/tracks/{track['id']}/cues/{client_id}"
        read = await client.get(url, headers=owner.headers)
        etag = read.headers["etag"]
        patched = await client.patch(
            url, json={"text": "Hello", "voice": None}, headers=owner.headers | {"If-Match": etag}
        )
        assert patched.status_code == 200
        assert patched.json()["data"] | {"updated_at": None, "version": None} == {
            "id": client_id,
            "start_ms": 0,
            "end_ms": 800,
            "text": "Hello",
            "voice": None,
            "speaker": None,
            "spoken": True,
            "updated_at": None,
            "version": None,
        }
        stale = await client.patch(url, json={"text": "Lost"}, headers=owner.headers | {"If-Match": etag})
        assert stale.status_code == 412
        stale_delete = await client.delete(url, headers=owner.headers | {"If-Match": etag})
        assert stale_delete.status_code == 412
        gone = await client.delete(url, headers=owner.headers | {"If-Match": patched.headers["etag"]})
        assert gone.status_code == 204
        assert (await client.get(url, headers=owner.headers)).status_code == 404
        assert (await client.patch(url, json={"text": "zombie"}, headers=owner.headers)).status_code == 404


async def test_bad_cue_input_names_the_field(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        project = await new_project(client, owner)
        track = await new_track(client, project["id"], owner)
        url = f"/api/v1/tracks/{track['id']}/cues"
        for body, field in (
            ({"start_ms": 1000, "end_ms": 1000, "text": "a"}, "end_ms"),
            ({"start_ms": 2000, "end_ms": 1000, "text": "a"}, "end_ms"),
            ({"start_ms": -1, "end_ms": 1000, "text": "a"}, "start_ms"),
            ({"start_ms": 0, "end_ms": 86_400_001, "text": "a"}, "end_ms"),
            ({"start_ms": 0, "end_ms": 10, "text": ""}, "text"),
            ({"start_ms": 0, "end_ms": 10, "text": "y" * 2001}, "text"),
            ({"start_ms": 0, "end_ms": 10, "text": "ok", "voice": {"engine": "", "name": "x"}}, "voice"),
        ):
            response = await client.post(url, json=body, headers=owner.headers)
            assert response.status_code == 422, body
            assert response.json()["errors"][0]["field"] == field
        assert (
            await client.post(url, json={"start_ms": [0], "end_ms": 1, "text": "a"}, headers=owner.headers)
        ).status_code == 400
        assert (await client.get(f"{url}?cursor=bm90LWEtY3Vyc29y", headers=owner.headers)).status_code == 400
        cue = (await client.post(url, json={"start_ms": 0, "end_ms": 10, "text": "a"}, headers=owner.headers)).json()[
            "data"
        ]
        bad_patch = await client.patch(f"{url}/{cue['id']}", json={"start_ms": 10}, headers=owner.headers)
        assert bad_patch.status_code == 422
        assert bad_patch.json()["errors"][0]["field"] == "end_ms"
        assert (await client.get(url, headers=owner.headers)).json()["data"][0]["start_ms"] == 0


async def test_sql_and_html_in_text_are_data(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        project = await new_project(client, owner)
        track = await new_track(client, project["id"], owner)
        nasty = "Robert'); DROP TABLE cues;-- <script>alert('x')</script> &amp; {\\i1}"
        created = await client.post(
            f"/api/v1/tracks/{track['id']}/cues",
            json={"start_ms": 0, "end_ms": 10, "text": nasty},
            headers=owner.headers,
        )
        assert created.json()["data"]["text"] == nasty
        listed = await client.get(f"/api/v1/tracks/{track['id']}/cues", headers=owner.headers)
        assert listed.json()["data"][0]["text"] == nasty
        assert listed.headers["content-type"].startswith("application/json")
