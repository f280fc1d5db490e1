"""`subdub users create-admin` as a real process against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.support.app import api_client
from tests.support.identity import PASSWORD, bearer, login, register

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[3]


def create_admin(
    database_url: str, tmp_path: Path, *args: str, password: str | None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SUBDUB_ADMIN_PASSWORD")}
    env.update(
        SUBDUB_ENV="test",
        SUBDUB_DATA_DIR=str(tmp_path),
        SUBDUB_JWT_SECRET="x" * 48,
        DATABASE_URL=database_url,
        SUBDUB_ARGON2_TIME_COST="1",
        SUBDUB_ARGON2_MEMORY_KIB="1024",
        SUBDUB_ARGON2_PARALLELISM="1",
    )
    if password is not None:
        env["SUBDUB_ADMIN_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli.main", "users", "create-admin", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


async def test_create_admin_then_sign_in_as_admin(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-4, S-SEC-7
    result = create_admin(clean_database, tmp_path, "--email", "Root@Example.com", password=PASSWORD)
    assert result.returncode == 0, result.stderr
    assert "created admin root@example.com" in result.stdout
    assert PASSWORD not in result.stdout + result.stderr
    async with api_client(clean_database, tmp_path) as client:
        tokens = await login(client, "root@example.com")
        users = await client.get("/api/v1/admin/users", headers=bearer(tokens))
    assert users.status_code == 200
    assert users.json()["data"][0]["role"] == "admin"
    with psycopg.connect(clean_database) as conn:
        assert conn.execute("SELECT action FROM audit_logs ORDER BY id").fetchall() == [
            ("user.registered",),
            ("session.created",),
        ]


async def test_create_admin_promotes_an_existing_account(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        user = await register(client)
    result = create_admin(clean_database, tmp_path, "--email", user["email"], password="ignored for existing")
    assert result.returncode == 0, result.stderr
    assert "promoted admin" in result.stdout
    again = create_admin(clean_database, tmp_path, "--email", user["email"], password="ignored for existing")
    assert again.returncode == 0
    with psycopg.connect(clean_database) as conn:
        assert conn.execute("SELECT role FROM users").fetchall() == [("admin",)]
        changes = conn.execute("SELECT changes FROM audit_logs WHERE action = 'user.role_changed'").fetchall()
    assert changes == [({"role": {"from": "member", "to": "admin"}},)]


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("--email", "root@example.com"), "short", "password"),
        (("--email", "not an email"), PASSWORD, "email"),
        (("--email", "root@example.com"), None, "SUBDUB_ADMIN_PASSWORD"),
    ],
)
def test_create_admin_refuses_bad_input(
    clean_database: str, tmp_path: Path, args: tuple[str, ...], password: str | None, message: str
) -> None:
    result = create_admin(clean_database, tmp_path, *args, password=password)
    assert result.returncode != 0
    assert message in result.stderr
    with psycopg.connect(clean_database) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (0,)
