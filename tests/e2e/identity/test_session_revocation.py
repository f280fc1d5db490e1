"""Logout and refresh-token reuse end the session's access tokens at once, not when they expire."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.app import api_client
from tests.support.identity import bearer, login, register

pytestmark = pytest.mark.db


# covers: S-SEC-3
async def test_logout_ends_that_sessions_access_tokens_at_once(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        user = await register(client)
        phone, laptop = await login(client, user["email"]), await login(client, user["email"])
        assert (await client.get("/api/v1/me", headers=bearer(phone))).status_code == 200
        logout = await client.post("/api/v1/auth/logout", json={"refresh_token": phone["refresh_token"]})
        after = await client.get("/api/v1/me", headers=bearer(phone))
        other_session = await client.get("/api/v1/me", headers=bearer(laptop))
    assert logout.status_code == 204
    assert after.status_code == 401 and after.json()["code"] == "session_revoked"
    assert other_session.status_code == 200  # only the session that logged out


# covers: S-SEC-3
async def test_refresh_token_reuse_ends_the_familys_access_tokens(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        user = await register(client)
        first = await login(client, user["email"])
        rotated = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        current = rotated.json()["data"]
        assert (await client.get("/api/v1/me", headers=bearer(current))).status_code == 200
        reused = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        after = await client.get("/api/v1/me", headers=bearer(current))
    assert reused.status_code == 401
    assert after.status_code == 401 and after.json()["code"] == "session_revoked"
