"""Helpers for tests of projects, tracks and cues over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.testing import AsyncTestClient

from tests.support.identity import signed_in


@dataclass
class Person:
    user: dict[str, Any]
    headers: dict[str, str]

    @property
    def id(self) -> str:
        return str(self.user["id"])

    @property
    def email(self) -> str:
        return str(self.user["email"])


async def person(client: AsyncTestClient[Any]) -> Person:
    user, _, headers = await signed_in(client)
    return Person(user=user, headers=headers)


async def new_project(client: AsyncTestClient[Any], owner: Person, title: str = "Film") -> dict[str, Any]:
    response = await client.post("/api/v1/projects", json={"title": title}, headers=owner.headers)
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


async def invite(client: AsyncTestClient[Any], project_id: str, owner: Person, email: str, role: str) -> Any:
    response = await client.post(
        f"/api/v1/projects/{project_id}/members", json={"email": email, "role": role}, headers=owner.headers
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def add_member(client: AsyncTestClient[Any], project_id: str, owner: Person, who: Person, role: str) -> None:
    """Invite `who`, who accepts at once."""
    invitation = await invite(client, project_id, owner, who.email, role)
    response = await client.post(f"/api/v1/me/invitations/{invitation['id']}/accept", headers=who.headers)
    assert response.status_code == 200, response.text


async def new_track(
    client: AsyncTestClient[Any], project_id: str, owner: Person, cues: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    body = {"language": "en", "label": "English", "cues": cues or []}
    response = await client.post(f"/api/v1/projects/{project_id}/tracks", json=body, headers=owner.headers)
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


def cues(count: int, *, step_ms: int = 1000) -> list[dict[str, Any]]:
    return [{"start_ms": i * step_ms, "end_ms": i * step_ms + step_ms // 2, "text": f"Line {i}"} for i in range(count)]


@dataclass
class Team:
    """A project with one person per role, plus an outsider, and a track with three cues."""

    owner: Person
    editor: Person
    viewer: Person
    outsider: Person
    project: dict[str, Any]
    track: dict[str, Any]
    cue: dict[str, Any]

    def as_(self, role: str) -> dict[str, str]:
        return dict(getattr(self, role).headers)


async def team(client: AsyncTestClient[Any]) -> Team:
    owner, editor, viewer, outsider = [await person(client) for _ in range(4)]
    project = await new_project(client, owner)
    await add_member(client, project["id"], owner, editor, "editor")
    await add_member(client, project["id"], owner, viewer, "viewer")
    track = await new_track(client, project["id"], owner, cues(3))
    page = await client.get(f"/api/v1/tracks/{track['id']}/cues", headers=owner.headers)
    return Team(owner, editor, viewer, outsider, project, track, page.json()["data"][0])
