"""No password, hash or token in any log line of a whole sign-in story (S-SEC-7)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from adapters.telemetry.logging import configure_logging
from tests.support.app import api_client
from tests.support.identity import PASSWORD, bearer, register

pytestmark = pytest.mark.db


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging(fmt="json", level="DEBUG", stream=stream)
    yield stream
    configure_logging(fmt="console", level="INFO")


async def test_no_secret_reaches_the_logs(clean_database: str, tmp_path: Path, captured_logs: io.StringIO) -> None:
    # covers: S-SEC-7
    async with api_client(clean_database, tmp_path) as client:
        user = await register(client)
        failed = await client.post("/api/v1/auth/login", json={"email": user["email"], "password": "Wrong-Pass-1234"})
        ok = await client.post("/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD})
        tokens = ok.json()["data"]
        await client.get("/api/v1/me", headers=bearer(tokens))
        await client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}x"})
        rotated = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})  # reuse
        await client.post("/api/v1/auth/logout", json={"refresh_token": rotated.json()["data"]["refresh_token"]})
    with psycopg.connect(clean_database) as conn:
        (password_hash,) = conn.execute("SELECT password_hash FROM users").fetchone() or ("",)
    logs = captured_logs.getvalue()
    assert failed.status_code == 401
    assert "audit.recorded" in logs  # the story was logged…
    secrets = [
        PASSWORD,
        "Wrong-Pass-1234",
        password_hash,
        password_hash.rsplit("$", 1)[-1],
        tokens["access_token"],
        tokens["access_token"].split(".")[2],
        tokens["refresh_token"],
        rotated.json()["data"]["refresh_token"],
        rotated.json()["data"]["access_token"],
    ]
    for secret in secrets:  # …and none of its secrets
        assert secret not in logs
