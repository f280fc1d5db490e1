"""Administration over HTTP: hidden from members, cursor paged, role changes end old tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.app import api_client
from tests.support.identity import bearer, login, register, signed_in

pytestmark = pytest.mark.db

ADMIN_ROUTES = [
    ("GET", "/api/v1/admin/users"),
    ("GET", "/api/v1/admin/audit-logs"),
    ("PATCH", "/api/v1/admin/users/0190a0a0-0000-7000-8000-000000000000"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
async def test_member_calling_an_admin_route_gets_404(
    clean_database: str, tmp_path: Path, method: str, path: str
) -> None:
    # covers: S-SEC-4
    async with api_client(clean_database, tmp_path) as client:
        _, _, member = await signed_in(client)
        response = await client.request(method, path, headers=member, json={"role": "admin"})
        unknown = await client.get("/api/v1/admin/no-such-route", headers=member)
        anonymous = await client.request(method, path, json={"role": "admin"})
    assert response.status_code == 404
    assert response.json()["code"] == unknown.json()["code"] == "not_found"
    assert anonymous.status_code == 401


async def test_users_list_is_cursor_paged_and_filterable(clean_database: str, tmp_path: Path) -> None:
    # covers: S-API-5, S-API-2
    async with api_client(clean_database, tmp_path) as client:
        admin, _, headers = await signed_in(client, admin=True, database_url=clean_database)
        created = [await register(client) for _ in range(4)]
        first = await client.get("/api/v1/admin/users", params={"limit": 2}, headers=headers)
        cursor = first.json()["meta"]["next_cursor"]
        second = await client.get("/api/v1/admin/users", params={"limit": 2, "cursor": cursor}, headers=headers)
        third = await client.get(
            "/api/v1/admin/users", params={"limit": 2, "cursor": second.json()["meta"]["next_cursor"]}, headers=headers
        )
        admins = await client.get("/api/v1/admin/users", params={"role": "admin"}, headers=headers)
        default = await client.get("/api/v1/admin/users", headers=headers)
    assert first.status_code == 200
    assert first.json()["meta"]["limit"] == 2
    ids = [u["id"] for page in (first, second, third) for u in page.json()["data"]]
    assert ids == [u["id"] for u in reversed(created)] + [admin["id"]]  # newest first, no gaps, no repeats
    assert third.json()["meta"]["next_cursor"] is None
    assert [u["id"] for u in admins.json()["data"]] == [admin["id"]]
    assert default.json()["meta"] == {"limit": 50, "next_cursor": None}
    assert "password_hash" not in str(default.json())


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 201}, {"limit": "ten"}, {"cursor": "garbage!"}, {"cursor": "djE6bm90LWEtdXVpZA"}],
)
async def test_bad_paging_parameters_are_400(clean_database: str, tmp_path: Path, params: dict[str, object]) -> None:
    # covers: S-API-5, S-SEC-1
    async with api_client(clean_database, tmp_path) as client:
        _, _, headers = await signed_in(client, admin=True, database_url=clean_database)
        response = await client.get("/api/v1/admin/users", params=params, headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] in {"bad_request", "invalid_cursor"}


async def test_role_change_ends_existing_access_tokens_at_once(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-3, S-SEC-4, S-DB-8
    async with api_client(clean_database, tmp_path) as client:
        admin, _, admin_headers = await signed_in(client, admin=True, database_url=clean_database)
        target, target_tokens, target_headers = await signed_in(client)
        assert (await client.get("/api/v1/me", headers=target_headers)).status_code == 200  # now cached
        promoted = await client.patch(
            f"/api/v1/admin/users/{target['id']}", json={"role": "admin"}, headers=admin_headers
        )
        old_token = await client.get("/api/v1/me", headers=target_headers)
        fresh = await login(client, target["email"])
        as_admin = await client.get("/api/v1/admin/users", headers=bearer(fresh))
        refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": target_tokens["refresh_token"]})
        audit = await client.get(
            "/api/v1/admin/audit-logs",
            params={"entity": "user", "entity_id": target["id"], "action": "user.role_changed"},
            headers=admin_headers,
        )
    assert promoted.status_code == 200
    assert promoted.json()["data"]["role"] == "admin"
    assert old_token.status_code == 401
    assert old_token.json()["code"] == "token_revoked"
    assert as_admin.status_code == 200
    assert refreshed.status_code == 200  # the session survives; its next access token carries the new role
    entries = audit.json()["data"]
    assert len(entries) == 1
    assert entries[0]["actor_id"] == admin["id"]
    assert entries[0]["changes"] == {"role": {"from": "member", "to": "admin"}}
    assert entries[0]["trace_id"]


async def test_role_change_bad_input(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        admin, _, headers = await signed_in(client, admin=True, database_url=clean_database)
        bad_role = await client.patch(f"/api/v1/admin/users/{admin['id']}", json={"role": "owner"}, headers=headers)
        extra = await client.patch(
            f"/api/v1/admin/users/{admin['id']}", json={"role": "member", "email": "x@y.z"}, headers=headers
        )
        unknown = await client.patch(
            "/api/v1/admin/users/0190a0a0-0000-7000-8000-000000000000", json={"role": "admin"}, headers=headers
        )
        not_uuid = await client.patch("/api/v1/admin/users/42", json={"role": "admin"}, headers=headers)
        last_admin = await client.patch(f"/api/v1/admin/users/{admin['id']}", json={"role": "member"}, headers=headers)
    assert bad_role.status_code == extra.status_code == 400
    assert unknown.status_code == 404
    assert not_uuid.status_code in (400, 404)
    assert last_admin.status_code == 409
    assert last_admin.json()["code"] == "last_admin"


async def test_audit_logs_are_paged_and_filtered(clean_database: str, tmp_path: Path) -> None:
    # covers: S-DB-8, S-API-5
    async with api_client(clean_database, tmp_path) as client:
        admin, _, headers = await signed_in(client, admin=True, database_url=clean_database)
        member, _, _ = await signed_in(client)
        everything = await client.get("/api/v1/admin/audit-logs", params={"limit": 200}, headers=headers)
        by_member = await client.get("/api/v1/admin/audit-logs", params={"actor_id": member["id"]}, headers=headers)
        page_one = await client.get("/api/v1/admin/audit-logs", params={"limit": 1}, headers=headers)
        page_two = await client.get(
            "/api/v1/admin/audit-logs",
            params={"limit": 1, "cursor": page_one.json()["meta"]["next_cursor"]},
            headers=headers,
        )
        bad_entity = await client.get("/api/v1/admin/audit-logs", params={"entity": "x'; --"}, headers=headers)
    entries = everything.json()["data"]
    assert [e["action"] for e in entries] == ["session.created", "user.registered"] * 2  # newest first
    assert {e["action"] for e in by_member.json()["data"]} == {"user.registered", "session.created"}
    assert all(e["actor_id"] == member["id"] for e in by_member.json()["data"])
    assert page_one.json()["data"][0]["id"] == entries[0]["id"]
    assert page_two.json()["data"][0]["id"] == entries[1]["id"]
    assert set(entries[0]) >= {"id", "at", "actor_id", "action", "entity", "entity_id", "changes", "trace_id"}
    assert bad_entity.status_code == 400
    assert admin["id"] in {e["actor_id"] for e in entries}
