"""Projects and members over HTTP against PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import psycopg

from tests.support.app import api_client
from tests.support.subtitles import add_member, new_project, person


# covers: S-API-5, S-API-7
async def test_project_lifecycle_with_etags_and_paging(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        created = await client.post(
            "/api/v1/projects",
            json={"title": "  Le Film ", "video": {"provider": "dailymotion", "id": "x8abc12"}},
            headers=owner.headers,
        )
        assert created.status_code == 201
        project = created.json()["data"]
        assert created.headers["location"] == f"/api/v1/projects/{project['id']}"
        assert project["title"] == "Le Film"
        assert project["role"] == "owner"
        assert project["video"] == {"provider": "dailymotion", "id": "x8abc12", "status": "pending"} | {
            k: None for k in ("title", "duration_ms", "language", "thumbnail_url")
        }
        url = f"/api/v1/projects/{project['id']}"
        read = await client.get(url, headers=owner.headers)
        etag = read.headers["etag"]

        renamed = await client.patch(url, json={"title": "Renamed"}, headers={**owner.headers, "If-Match": etag})
        assert renamed.status_code == 200
        assert renamed.json()["data"]["title"] == "Renamed"
        assert renamed.headers["etag"] != etag
        stale = await client.patch(url, json={"title": "Lost"}, headers={**owner.headers, "If-Match": etag})
        assert stale.status_code == 412
        assert stale.json()["code"] == "version_mismatch"
        stale_delete = await client.delete(url, headers={**owner.headers, "If-Match": etag})
        assert stale_delete.status_code == 412
        assert (await client.get(url, headers=owner.headers)).json()["data"]["title"] == "Renamed"

        for i in range(4):
            await new_project(client, owner, f"P{i}")
        first = await client.get("/api/v1/projects?limit=3", headers=owner.headers)
        titles = [p["title"] for p in first.json()["data"]]
        assert titles == ["P3", "P2", "P1"]  # newest first
        second = await client.get(
            f"/api/v1/projects?limit=3&cursor={first.json()['meta']['next_cursor']}", headers=owner.headers
        )
        assert [p["title"] for p in second.json()["data"]] == ["P0", "Renamed"]
        assert second.json()["meta"]["next_cursor"] is None

        gone = await client.delete(url, headers={**owner.headers, "If-Match": renamed.headers["etag"]})
        assert gone.status_code == 204
        assert (await client.get(url, headers=owner.headers)).status_code == 404
        listed = await client.get("/api/v1/projects?limit=200", headers=owner.headers)
        assert project["id"] not in [p["id"] for p in listed.json()["data"]]


async def test_bad_project_input(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        for body, field in (
            ({"title": "   "}, "title"),
            ({"title": "x" * 201}, "title"),
            ({"title": "ok", "video": {"provider": "youtube", "id": "abc"}}, "video.provider"),
        ):
            response = await client.post("/api/v1/projects", json=body, headers=owner.headers)
            assert response.status_code == 422, body
            assert response.json()["errors"][0]["field"] == field
        assert (await client.post("/api/v1/projects", json={"nope": 1}, headers=owner.headers)).status_code == 400
        bad_cursor = await client.get("/api/v1/projects?cursor=%%%", headers=owner.headers)
        assert bad_cursor.status_code == 400
        too_many = await client.get("/api/v1/projects?limit=201", headers=owner.headers)
        assert too_many.status_code == 400


async def test_members_are_managed_by_the_owner(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner, editor, stranger = await person(client), await person(client), await person(client)
        project = await new_project(client, owner)
        members_url = f"/api/v1/projects/{project['id']}/members"
        await add_member(client, project["id"], owner, editor, "editor")
        again = await client.post(members_url, json={"email": editor.email, "role": "viewer"}, headers=owner.headers)
        assert again.status_code == 409
        unknown = await client.post(
            members_url, json={"email": "nobody@example.com", "role": "viewer"}, headers=owner.headers
        )
        assert unknown.status_code == 201  # an invitation waiting for that email (test_invitations.py)
        as_owner = await client.post(
            members_url, json={"email": stranger.email, "role": "owner"}, headers=owner.headers
        )
        assert as_owner.status_code == 400
        listed = (await client.get(members_url, headers=editor.headers)).json()["data"]
        assert sorted((m["email"], m["role"]) for m in listed) == sorted(
            [(owner.email, "owner"), (editor.email, "editor")]
        )
        assert {"user_id", "email", "display_name", "role", "status"} <= set(listed[0])
        self_removal = await client.delete(f"{members_url}/{owner.id}", headers=owner.headers)
        assert self_removal.status_code == 409
        removed = await client.delete(f"{members_url}/{editor.id}", headers=owner.headers)
        assert removed.status_code == 204
        assert (await client.get(f"/api/v1/projects/{project['id']}", headers=editor.headers)).status_code == 404


async def test_every_write_is_audited_with_the_project_id(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner, viewer = await person(client), await person(client)
        project = await new_project(client, owner)
        await add_member(client, project["id"], owner, viewer, "viewer")
        track = (
            await client.post(
                f"/api/v1/projects/{project['id']}/tracks", json={"language": "en"}, headers=owner.headers
            )
        ).json()["data"]
        cue = await client.post(
            f"/api/v1/tracks/{track['id']}/cues", json={"start_ms": 0, "end_ms": 5, "text": "a"}, headers=owner.headers
        )
        await client.patch(
            f"/api/v1/tracks/{track['id']}/cues/{cue.json()['data']['id']}", json={"text": "b"}, headers=owner.headers
        )
    with psycopg.connect(clean_database) as conn:
        rows = conn.execute(
            "SELECT action, changes ->> 'project_id', actor_id::text FROM audit_logs "
            "WHERE entity IN ('project', 'track', 'cue') ORDER BY at, id"
        ).fetchall()
    assert [r[0] for r in rows] == [
        "project.created",
        "member.invited",
        "invitation.accepted",
        "track.created",
        "cue.created",
        "cue.updated",
    ]
    assert {r[1] for r in rows} == {project["id"]}
    assert [r[2] for r in rows] == [owner.id, owner.id, viewer.id, owner.id, owner.id, owner.id]


# covers: S-SEC-9
async def test_export_and_erasure_cover_projects_tracks_and_cues(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        leaving, other = await person(client), await person(client)
        mine = await new_project(client, leaving, "Mine")
        theirs = await new_project(client, other, "Theirs")
        await add_member(client, mine["id"], leaving, other, "editor")
        await add_member(client, theirs["id"], other, leaving, "viewer")
        track = (
            await client.post(
                f"/api/v1/projects/{mine['id']}/tracks",
                json={"language": "en", "cues": [{"start_ms": 0, "end_ms": 900, "text": "my words"}]},
                headers=leaving.headers,
            )
        ).json()["data"]

        exported = (await client.get("/api/v1/me/export", headers=leaving.headers)).json()["data"]["projects"]
        by_title = {entry["project"]["title"]: entry for entry in exported}
        assert by_title["Theirs"]["role"] == "viewer" and "tracks" not in by_title["Theirs"]
        assert by_title["Mine"]["tracks"][0]["id"] == track["id"]
        assert by_title["Mine"]["tracks"][0]["cues"][0]["text"] == "my words"

        assert (await client.delete("/api/v1/me", headers=leaving.headers)).status_code == 204
        assert (await client.get(f"/api/v1/projects/{mine['id']}", headers=other.headers)).status_code == 404
        members = (await client.get(f"/api/v1/projects/{theirs['id']}/members", headers=other.headers)).json()["data"]
        assert [m["user_id"] for m in members] == [other.id]
