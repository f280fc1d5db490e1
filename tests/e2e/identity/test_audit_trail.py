"""Every state-changing identity use case leaves an audit entry with the request's trace id (S-DB-8)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.support.app import api_client
from tests.support.identity import signed_in

pytestmark = pytest.mark.db


async def test_register_login_refresh_logout_are_audited_with_trace_ids(clean_database: str, tmp_path: Path) -> None:
    # covers: S-DB-8
    async with api_client(clean_database, tmp_path) as client:
        user, tokens, _ = await signed_in(client)
        refreshed = await client.post(
            "/api/v1/auth/refresh",
            json={"refresh_token": tokens["refresh_token"]},
            headers={"X-Request-ID": "trace-refresh-1"},
        )
        await client.post("/api/v1/auth/logout", json={"refresh_token": refreshed.json()["data"]["refresh_token"]})
    with psycopg.connect(clean_database) as conn:
        rows = conn.execute(
            "SELECT action, entity, actor_id::text, entity_id, changes, trace_id FROM audit_logs ORDER BY id"
        ).fetchall()
    assert [r[0] for r in rows] == ["user.registered", "session.created", "session.refreshed", "session.revoked"]
    assert all(r[2] == user["id"] for r in rows)
    assert all(r[5] for r in rows)
    assert rows[2][5] == "trace-refresh-1"
    assert str(rows[0][3]) == user["id"]
    assert rows[0][4] == {"role": "member"}
    assert rows[1][3] == rows[2][3] == rows[3][3]  # one session family, from login to logout
    assert rows[3][4] == {"revoked_tokens": 2}


async def test_audit_changes_never_hold_secrets(clean_database: str, tmp_path: Path) -> None:
    # covers: S-DB-8, S-SEC-7
    async with api_client(clean_database, tmp_path) as client:
        _, tokens, _ = await signed_in(client)
    with psycopg.connect(clean_database) as conn:
        dump = str(conn.execute("SELECT json_agg(a) FROM audit_logs a").fetchone())
        (password_hash,) = conn.execute("SELECT password_hash FROM users").fetchone() or ("",)
    assert tokens["refresh_token"] not in dump
    assert tokens["access_token"] not in dump
    assert password_hash not in dump
    assert "argon2" not in dump
