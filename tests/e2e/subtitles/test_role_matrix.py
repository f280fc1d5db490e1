"""Every route of projects, tracks and cues against every role: outsiders get 404, viewers writing 403."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from tests.support.app import api_client
from tests.support.subtitles import Team, add_member, new_project, new_track, team

Prepared = tuple[str, str, dict[str, Any] | None]


@dataclass
class Route:
    name: str
    action: str  # read, edit or manage
    prepare: Callable[[AsyncTestClient[Any], Team], Awaitable[Prepared]]


def fixed(method: str, path: str, body: dict[str, Any] | None = None) -> Callable[..., Awaitable[Prepared]]:
    async def prepare(client: AsyncTestClient[Any], t: Team) -> Prepared:
        values = {"p": t.project["id"], "t": t.track["id"], "c": t.cue["id"], "owner": t.owner.id}
        return method, path.format(**values), body

    return prepare


async def fresh_cue(client: AsyncTestClient[Any], t: Team) -> Prepared:
    body = {"start_ms": 50_000, "end_ms": 51_000, "text": "to delete"}
    response = await client.post(f"/api/v1/tracks/{t.track['id']}/cues", json=body, headers=t.owner.headers)
    return "DELETE", f"/api/v1/tracks/{t.track['id']}/cues/{response.json()['data']['id']}", None


async def fresh_track(client: AsyncTestClient[Any], t: Team) -> Prepared:
    track = await new_track(client, t.project["id"], t.owner)
    return "DELETE", f"/api/v1/tracks/{track['id']}", None


async def fresh_project(client: AsyncTestClient[Any], t: Team) -> Prepared:
    project = await new_project(client, t.owner, "doomed")
    await add_member(client, project["id"], t.owner, t.editor, "editor")
    await add_member(client, project["id"], t.owner, t.viewer, "viewer")
    return "DELETE", f"/api/v1/projects/{project['id']}", None


async def fresh_member(client: AsyncTestClient[Any], t: Team) -> Prepared:
    project = await new_project(client, t.owner, "members")
    for who, role in ((t.editor, "editor"), (t.viewer, "viewer")):
        await add_member(client, project["id"], t.owner, who, role)
    return "DELETE", f"/api/v1/projects/{project['id']}/members/{t.viewer.id}", None


async def member_of_fresh_project(client: AsyncTestClient[Any], t: Team) -> Prepared:
    project = await new_project(client, t.owner, "more members")
    for who, role in ((t.editor, "editor"), (t.viewer, "viewer")):
        await add_member(client, project["id"], t.owner, who, role)
    return "POST", f"/api/v1/projects/{project['id']}/members", {"email": t.outsider.email, "role": "viewer"}


async def sync_push(client: AsyncTestClient[Any], t: Team) -> Prepared:
    change = {
        "id": str(uuid.uuid4()),
        "start_ms": 1,
        "end_ms": 2,
        "text": "synced",
        "updated_at": "2026-01-01T00:00:00Z",
    }
    return "POST", f"/api/v1/tracks/{t.track['id']}/sync", {"changes": [change]}


ROUTES = [
    Route("get project", "read", fixed("GET", "/api/v1/projects/{p}")),
    Route("list members", "read", fixed("GET", "/api/v1/projects/{p}/members")),
    Route("list tracks", "read", fixed("GET", "/api/v1/projects/{p}/tracks")),
    Route("get track", "read", fixed("GET", "/api/v1/tracks/{t}")),
    Route("export track", "read", fixed("GET", "/api/v1/tracks/{t}/export?format=vtt")),
    Route("list cues", "read", fixed("GET", "/api/v1/tracks/{t}/cues")),
    Route("get cue", "read", fixed("GET", "/api/v1/tracks/{t}/cues/{c}")),
    Route("pull changes", "read", fixed("GET", "/api/v1/tracks/{t}/changes")),
    Route("rename project", "edit", fixed("PATCH", "/api/v1/projects/{p}", {"title": "Renamed"})),
    Route("create track", "edit", fixed("POST", "/api/v1/projects/{p}/tracks", {"language": "fr"})),
    Route("relabel track", "edit", fixed("PATCH", "/api/v1/tracks/{t}", {"label": "Relabelled"})),
    Route("delete track", "edit", fresh_track),
    Route("create cue", "edit", fixed("POST", "/api/v1/tracks/{t}/cues", {"start_ms": 9, "end_ms": 99, "text": "x"})),
    Route("patch cue", "edit", fixed("PATCH", "/api/v1/tracks/{t}/cues/{c}", {"text": "edited"})),
    Route("delete cue", "edit", fresh_cue),
    Route("sync push", "edit", sync_push),
    Route("add member", "manage", member_of_fresh_project),
    Route("remove member", "manage", fresh_member),
    Route("delete project", "manage", fresh_project),
]
ALLOWED = {"owner": {"read", "edit", "manage"}, "editor": {"read", "edit"}, "viewer": {"read"}, "outsider": set()}


# covers: S-SEC-4
async def test_every_route_answers_each_role_as_the_rules_say(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        t = await team(client)
        wrong: list[str] = []
        for role in ("outsider", "viewer", "editor", "owner"):
            for route in ROUTES:
                method, url, body = await route.prepare(client, t)
                headers = {**t.as_(role), "Idempotency-Key": uuid.uuid4().hex}
                response = await client.request(method, url, json=body, headers=headers)
                if route.action in ALLOWED[role]:
                    expected = {200, 201, 204}
                elif role == "outsider":
                    expected = {404}
                else:
                    expected = {403}
                if response.status_code not in expected:
                    wrong.append(f"{role} {route.name}: {response.status_code} {response.text[:120]}")
                elif response.status_code >= 400:
                    assert response.headers["content-type"].startswith("application/problem+json")
        assert wrong == []


async def test_no_token_is_401_everywhere(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        t = await team(client)
        for route in ROUTES:
            method, url, body = await route.prepare(client, t)
            response = await client.request(method, url, json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
            assert response.status_code == 401, (route.name, response.status_code)


async def test_authorization_comes_before_looking_at_the_input(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        t = await team(client)
        bad_cue = {"start_ms": 5, "end_ms": 1, "text": ""}
        bad_track = {"language": "??", "cues": [bad_cue]}
        for role, status in (("outsider", 404), ("viewer", 403)):
            cue = await client.post(f"/api/v1/tracks/{t.track['id']}/cues", json=bad_cue, headers=t.as_(role))
            track = await client.post(f"/api/v1/projects/{t.project['id']}/tracks", json=bad_track, headers=t.as_(role))
            member = await client.post(
                f"/api/v1/projects/{t.project['id']}/members",
                json={"email": "not an email", "role": "viewer"},
                headers=t.as_(role),
            )
            assert (cue.status_code, track.status_code) == (status, status), role
            assert member.status_code == status, role
