"""Two API replicas on one database behave as one service: nothing lives only in a process (S-OPS-3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.app import api_client
from tests.support.identity import PASSWORD, bearer, login, unique_email

pytestmark = pytest.mark.db


# covers: S-OPS-3
async def test_work_started_on_one_replica_continues_on_another(clean_database: str, tmp_path: Path) -> None:
    shared_secret = {"SUBDUB_JWT_SECRET": "r" * 48}
    async with (
        api_client(clean_database, tmp_path / "a", **shared_secret) as replica_a,
        api_client(clean_database, tmp_path / "b", **shared_secret) as replica_b,
    ):
        email = unique_email("replica")
        body = {"email": email, "password": PASSWORD, "display_name": "Replica User"}
        key = {"Idempotency-Key": "replica-register-1"}
        created = await replica_a.post("/api/v1/auth/register", json=body, headers=key)
        assert created.status_code == 201
        # The idempotency record lives in the database: the other replica replays it.
        replayed = await replica_b.post("/api/v1/auth/register", json=body, headers=key)
        assert replayed.status_code == 201
        assert replayed.json() == created.json()

        tokens = await login(replica_a, email)
        me = await replica_b.get("/api/v1/me", headers=bearer(tokens))
        assert me.status_code == 200
        assert me.json()["data"]["email"] == email

        # A refresh token rotated on one replica is known to be used on the other.
        rotated = await replica_b.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert rotated.status_code == 200
        reused = await replica_a.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert reused.status_code == 401

        # The reuse revoked the whole session, the rotated pair's access token included (at once where it was
        # detected; other replicas without a shared cache see it within SUBDUB_AUTH_CACHE_SECONDS).
        revoked = await replica_a.get("/api/v1/me", headers=bearer(rotated.json()["data"]))
        assert revoked.status_code == 401 and revoked.json()["code"] == "session_revoked"
        project = await replica_a.post(
            "/api/v1/projects", json={"title": "Across replicas"}, headers=bearer(await login(replica_b, email))
        )
        assert project.status_code == 201, project.text
    # A restarted process (a fresh app on the same database) still sees everything.
    async with api_client(clean_database, tmp_path / "c", **shared_secret) as restarted:
        fresh = await login(restarted, email)
        listed = await restarted.get("/api/v1/projects", headers=bearer(fresh))
        assert [p["title"] for p in listed.json()["data"]] == ["Across replicas"]
