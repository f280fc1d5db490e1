"""GET /me/export and DELETE /me (S-SEC-9): everything out, then personal data gone in one transaction."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.support.app import api_client
from tests.support.identity import PASSWORD, bearer, login, register, signed_in

pytestmark = pytest.mark.db


async def test_export_holds_account_sessions_and_audit_entries(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-9
    async with api_client(clean_database, tmp_path) as client:
        user, tokens, headers = await signed_in(client)
        await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        other, _, _ = await signed_in(client)
        response = await client.get("/api/v1/me/export", headers=headers)
        anonymous = await client.get("/api/v1/me/export")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["cache-control"] == "no-store"
    data = response.json()["data"]
    assert data["account"] == {k: user[k] for k in ("id", "email", "display_name", "role", "created_at", "updated_at")}
    assert len(data["sessions"]) == 2
    assert len({s["family_id"] for s in data["sessions"]}) == 1
    assert [e["action"] for e in data["audit_entries"]] == ["user.registered", "session.created", "session.refreshed"]
    assert all(e["by_me"] for e in data["audit_entries"])
    dumped = str(data)
    assert other["id"] not in dumped and other["email"] not in dumped
    assert tokens["refresh_token"] not in dumped and "argon2" not in dumped
    assert anonymous.status_code == 401


async def test_delete_me_erases_personal_data_and_ends_tokens_at_once(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-9, S-DB-4, S-SEC-3
    async with api_client(clean_database, tmp_path) as client:
        admin, _, admin_headers = await signed_in(client, admin=True, database_url=clean_database)
        user, tokens, headers = await signed_in(client)
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200  # epoch now cached
        with psycopg.connect(clean_database, autocommit=True) as conn:  # a stored answer of one of their requests
            conn.execute(
                "INSERT INTO idempotency_keys (id, scope, method, path, idempotency_key, request_hash, status_code, "
                "response_body, locked_until, expires_at, created_at, updated_at) VALUES (gen_random_uuid(), %s, "
                "'POST', '/x', 'k', '\\x00', 201, %s, now(), now() + interval '1 day', now(), now())",
                (user["id"], user["email"].encode()),
            )
        gone = await client.delete("/api/v1/me", headers=headers)
        me_after = await client.get("/api/v1/me", headers=headers)
        refresh_after = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        login_after = await client.post("/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD})
        delete_again = await client.delete("/api/v1/me", headers=headers)
        reregistered = await register(client, email=user["email"])
        audit = await client.get("/api/v1/admin/audit-logs", params={"limit": 200}, headers=admin_headers)
        listed = await client.get("/api/v1/admin/users", headers=admin_headers)
    assert gone.status_code == 204
    assert me_after.status_code == refresh_after.status_code == login_after.status_code == 401
    assert delete_again.status_code == 401
    assert reregistered["id"] != user["id"]
    assert user["id"] not in {u["id"] for u in listed.json()["data"]}

    with psycopg.connect(clean_database) as conn:
        row = conn.execute(
            "SELECT email, display_name, password_hash, deleted_at FROM users WHERE id = %s", (user["id"],)
        ).fetchone()
        sessions = conn.execute("SELECT count(*) FROM refresh_tokens WHERE user_id = %s", (user["id"],)).fetchone()
        stored = conn.execute("SELECT count(*) FROM idempotency_keys WHERE scope = %s", (user["id"],)).fetchone()
        traces = conn.execute(
            "SELECT count(*) FROM audit_logs WHERE actor_id = %s OR entity_id = %s", (user["id"], user["id"])
        ).fetchone()
    assert row is not None
    assert row[:3] == (None, None, None)
    assert row[3] is not None  # soft-deleted, personal fields empty
    assert sessions == (0,)
    assert stored == (0,)
    assert traces == (0,)

    entries = audit.json()["data"]
    erased = [e for e in entries if e["action"] == "user.erased"]
    assert len(erased) == 1
    pseudonym = erased[0]["actor_pseudonym"]
    assert pseudonym.startswith("anon-")
    assert user["id"] not in pseudonym
    assert erased[0]["actor_id"] is None
    assert erased[0]["entity_pseudonym"] == pseudonym
    mine = [e for e in entries if e["actor_pseudonym"] == pseudonym]
    assert {e["action"] for e in mine} >= {"user.registered", "session.created", "user.erased"}
    assert user["id"] not in str(entries)
    assert user["email"] not in str(entries)
    assert admin["id"] in str(entries)  # other people's entries are untouched


async def test_erasure_is_one_transaction(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-9, S-DB-6
    class FailingContributor:
        section = "broken"

        async def export(self, uow: object, user_id: object) -> object:
            return None

        async def erase(self, uow: object, user_id: object, *, now: object) -> None:
            raise RuntimeError("the disk is on fire")

    async with api_client(clean_database, tmp_path) as client:
        client.container.identity.data_contributors.add_args(FailingContributor())
        user, _, headers = await signed_in(client)
        failed = await client.delete("/api/v1/me", headers=headers)
        still_there = await client.get("/api/v1/me", headers=headers)
    assert failed.status_code == 500
    assert still_there.status_code == 200
    assert still_there.json()["data"]["email"] == user["email"]
    with psycopg.connect(clean_database) as conn:
        assert conn.execute("SELECT count(*) FROM audit_logs WHERE action = 'user.erased'").fetchone() == (0,)


async def test_contributors_add_their_sections_to_the_export(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-9
    class Projects:
        section = "projects"

        async def export(self, uow: object, user_id: object) -> object:
            return [{"owner": str(user_id)}]

        async def erase(self, uow: object, user_id: object, *, now: object) -> None:
            return None

    async with api_client(clean_database, tmp_path) as client:
        client.container.identity.data_contributors.add_args(Projects())
        user = await register(client)
        tokens = await login(client, user["email"])
        response = await client.get("/api/v1/me/export", headers=bearer(tokens))
    assert response.json()["data"]["projects"] == [{"owner": user["id"]}]
