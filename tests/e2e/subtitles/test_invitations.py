"""Invitations: adding a member invites an email; only whoever signs in with it accepts or declines, before it
expires. Inviting answers the same whether or not the email has an account (no enumeration)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from litestar.testing import AsyncTestClient

from tests.support.app import api_client
from tests.support.identity import bearer, login, register, unique_email
from tests.support.subtitles import Person, add_member, invite, new_project, person

# Differ by construction between any two answers; everything else must be identical.
VOLATILE_HEADERS = {"x-request-id", "location", "content-length", "date", "etag"}
VOLATILE_FIELDS = {"id", "email", "created_at", "expires_at"}


async def mine(client: AsyncTestClient[Any], who: Person) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/me/invitations", headers=who.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


async def answer(client: AsyncTestClient[Any], who: Person, invitation_id: str, verb: str) -> Any:
    return await client.post(f"/api/v1/me/invitations/{invitation_id}/{verb}", headers=who.headers)


async def roster(client: AsyncTestClient[Any], project_id: str, who: Person) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/projects/{project_id}/members", headers=who.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


def shape(response: Any) -> tuple[int, dict[str, str], dict[str, Any]]:
    headers = {k: v for k, v in response.headers.items() if k not in VOLATILE_HEADERS}
    body = response.json()
    data = {k: (type(v).__name__ if k in VOLATILE_FIELDS else v) for k, v in body["data"].items()}
    return response.status_code, headers, {**body, "data": data}


async def test_a_registered_and_an_unknown_email_get_the_same_answer(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner, someone = await person(client), await person(client)
        project = await new_project(client, owner)
        url = f"/api/v1/projects/{project['id']}/members"
        registered = await client.post(url, json={"email": someone.email, "role": "viewer"}, headers=owner.headers)
        unknown = await client.post(url, json={"email": unique_email("ghost"), "role": "viewer"}, headers=owner.headers)
        assert registered.status_code == 201, registered.text
        assert shape(registered) == shape(unknown)
        data = registered.json()["data"]
        assert set(data) == {"id", "project_id", "email", "role", "status", "created_at", "expires_at"}
        assert someone.id not in registered.text and "Test User" not in registered.text
        assert registered.headers["location"].endswith(f"/invitations/{data['id']}")
        # the owner's member list shows both as pending, neither with an account id or a name
        pending = [m for m in await roster(client, project["id"], owner) if m["status"] == "pending"]
        assert sorted(m["email"] for m in pending) == sorted([someone.email, unknown.json()["data"]["email"]])
        assert {(m["user_id"], m["display_name"]) for m in pending} == {(None, "")}
        # a member is not added without consent
        assert (await client.get(f"/api/v1/projects/{project['id']}", headers=someone.headers)).status_code == 404


async def test_the_addressee_accepts_or_declines(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner, editor, decliner = await person(client), await person(client), await person(client)
        project = await new_project(client, owner, "Dub me")
        sent = await invite(client, project["id"], owner, editor.email.upper(), "editor")  # any case: normalized
        await invite(client, project["id"], owner, decliner.email, "viewer")
        [received] = await mine(client, editor)
        assert (received["id"], received["project_title"], received["role"]) == (sent["id"], "Dub me", "editor")

        accepted = await answer(client, editor, sent["id"], "accept")
        assert accepted.status_code == 200, accepted.text
        assert (accepted.json()["data"]["id"], accepted.json()["data"]["role"]) == (project["id"], "editor")
        assert await mine(client, editor) == []
        assert (await answer(client, editor, sent["id"], "accept")).status_code == 404  # answered once
        track = await client.post(
            f"/api/v1/projects/{project['id']}/tracks", json={"language": "en"}, headers=editor.headers
        )
        assert track.status_code == 201  # an editor now

        [declined] = await mine(client, decliner)
        assert (await answer(client, decliner, declined["id"], "decline")).status_code == 204
        assert await mine(client, decliner) == []
        assert (await client.get(f"/api/v1/projects/{project['id']}", headers=decliner.headers)).status_code == 404
        listed = {(m["email"], m["status"], m["role"]) for m in await roster(client, project["id"], owner)}
        assert listed == {(owner.email, "active", "owner"), (editor.email, "active", "editor")}
    with psycopg.connect(clean_database) as conn:
        rows = conn.execute(
            "SELECT action, actor_id::text, changes ->> 'project_id' FROM audit_logs "
            "WHERE action LIKE 'member.%%' OR action LIKE 'invitation.%%' ORDER BY at, id"
        ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [
        ("member.invited", owner.id),
        ("member.invited", owner.id),
        ("invitation.accepted", editor.id),
        ("invitation.declined", decliner.id),
    ]
    assert {r[2] for r in rows} == {project["id"]}


async def test_an_invitation_waits_for_the_account_to_be_registered(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner = await person(client)
        project = await new_project(client, owner)
        email = unique_email("later")
        sent = await invite(client, project["id"], owner, email, "viewer")
        await register(client, email=email)
        newcomer = Person(user={"email": email}, headers=bearer(await login(client, email)))
        assert [i["id"] for i in await mine(client, newcomer)] == [sent["id"]]
        assert (await answer(client, newcomer, sent["id"], "accept")).status_code == 200
        assert (await client.get(f"/api/v1/projects/{project['id']}", headers=newcomer.headers)).status_code == 200


async def test_nobody_else_can_answer_an_invitation(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner, invitee, intruder = await person(client), await person(client), await person(client)
        project = await new_project(client, owner)
        sent = await invite(client, project["id"], owner, invitee.email, "editor")
        assert await mine(client, intruder) == []
        for who in (intruder, owner):  # not even the project's owner answers for the invitee
            for verb in ("accept", "decline"):
                refused = await answer(client, who, sent["id"], verb)
                assert refused.status_code == 404 and refused.json()["code"] == "not_found", (verb, refused.text)
        assert (await client.get(f"/api/v1/projects/{project['id']}", headers=intruder.headers)).status_code == 404
        anonymous = await client.post(f"/api/v1/me/invitations/{sent['id']}/accept")
        assert anonymous.status_code == 401
        assert [i["id"] for i in await mine(client, invitee)] == [sent["id"]]  # still open for its addressee


async def test_invitations_expire_after_the_configured_time(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path, SUBDUB_INVITATION_TTL_HOURS="2") as client:
        owner, invitee = await person(client), await person(client)
        project = await new_project(client, owner)
        sent = await invite(client, project["id"], owner, invitee.email, "viewer")
        lifetime = datetime.fromisoformat(sent["expires_at"]) - datetime.fromisoformat(sent["created_at"])
        assert lifetime == timedelta(hours=2)
        with psycopg.connect(clean_database, autocommit=True) as conn:
            conn.execute("UPDATE project_invitations SET expires_at = now() - interval '1 second'")
        assert await mine(client, invitee) == []
        assert (await answer(client, invitee, sent["id"], "accept")).status_code == 404
        assert [m["status"] for m in await roster(client, project["id"], owner)] == ["active"]
        renewed = await invite(client, project["id"], owner, invitee.email, "editor")  # inviting again renews it
        assert renewed["id"] == sent["id"] and renewed["role"] == "editor"
        assert (await answer(client, invitee, sent["id"], "accept")).status_code == 200


# covers: S-SEC-4
async def test_only_the_owner_invites_sees_pending_and_withdraws(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner, editor, viewer, outsider, invitee = [await person(client) for _ in range(5)]
        project = await new_project(client, owner)
        await add_member(client, project["id"], owner, editor, "editor")
        await add_member(client, project["id"], owner, viewer, "viewer")
        url = f"/api/v1/projects/{project['id']}/members"
        body = {"email": invitee.email, "role": "viewer"}
        for who, status in ((editor, 403), (viewer, 403), (outsider, 404)):
            assert (await client.post(url, json=body, headers=who.headers)).status_code == status
        as_owner = await client.post(url, json={**body, "role": "owner"}, headers=owner.headers)
        assert as_owner.status_code == 400
        member_again = await client.post(url, json={"email": editor.email, "role": "viewer"}, headers=owner.headers)
        assert member_again.status_code == 409 and member_again.json()["code"] == "already_member"
        sent = await invite(client, project["id"], owner, invitee.email, "viewer")
        assert "pending" not in {m["status"] for m in await roster(client, project["id"], editor)}
        assert "pending" in {m["status"] for m in await roster(client, project["id"], owner)}
        withdraw = f"/api/v1/projects/{project['id']}/invitations/{sent['id']}"
        for who, status in ((editor, 403), (viewer, 403), (outsider, 404), (invitee, 404)):
            assert (await client.delete(withdraw, headers=who.headers)).status_code == status
        assert (await client.delete(withdraw, headers=owner.headers)).status_code == 204
        assert (await client.delete(withdraw, headers=owner.headers)).status_code == 404
        assert await mine(client, invitee) == []
        assert (await answer(client, invitee, sent["id"], "accept")).status_code == 404


async def test_the_member_list_pages_through_members_then_invitations(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner, editor = await person(client), await person(client)
        project = await new_project(client, owner)
        await add_member(client, project["id"], owner, editor, "editor")
        emails = [unique_email("p") for _ in range(3)]
        for email in emails:
            await invite(client, project["id"], owner, email, "viewer")
        seen: list[tuple[str, str]] = []
        cursor: str | None = None
        while True:
            query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
            page = await client.get(f"/api/v1/projects/{project['id']}/members{query}", headers=owner.headers)
            assert page.status_code == 200, page.text
            seen += [(m["status"], m["email"]) for m in page.json()["data"]]
            cursor = page.json()["meta"]["next_cursor"]
            if cursor is None:
                break
        assert [s for s, _ in seen] == ["active", "active", "pending", "pending", "pending"]
        assert sorted(e for _, e in seen) == sorted([owner.email, editor.email, *emails])


# covers: S-SEC-9
async def test_invitations_are_in_the_export_and_go_with_the_account(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        owner, invitee = await person(client), await person(client)
        project = await new_project(client, owner, "Exported")
        sent = await invite(client, project["id"], owner, invitee.email, "viewer")
        exported = (await client.get("/api/v1/me/export", headers=invitee.headers)).json()["data"]["invitations"]
        assert [(i["id"], i["project_title"], i["role"]) for i in exported] == [(sent["id"], "Exported", "viewer")]
        assert (await client.get("/api/v1/me/export", headers=owner.headers)).json()["data"]["invitations"] == []
        assert (await client.delete("/api/v1/me", headers=invitee.headers)).status_code == 204
        assert [m["status"] for m in await roster(client, project["id"], owner)] == ["active"]
