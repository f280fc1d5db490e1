"""Register, login, me over HTTP against PostgreSQL, with every bad input the issue lists."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.support.app import api_client
from tests.support.identity import PASSWORD, bearer, login, register, unique_email

pytestmark = pytest.mark.db


async def test_register_login_me_round_trip(clean_database: str, tmp_path: Path) -> None:
    # covers: S-API-2, S-DB-3, S-DB-4
    async with api_client(clean_database, tmp_path) as client:
        email = unique_email("Ada")
        response = await client.post(
            "/api/v1/auth/register", json={"email": email.upper(), "password": PASSWORD, "display_name": " Ada  L "}
        )
        assert response.status_code == 201
        assert response.headers["location"] == "/api/v1/me"
        user = response.json()["data"]
        assert user["email"] == email.lower()
        assert user["display_name"] == "Ada L"
        assert user["role"] == "member"
        assert user["created_at"].endswith("Z") or "+00:00" in user["created_at"]

        tokens = await login(client, email)
        assert tokens["token_type"] == "Bearer"
        assert tokens["expires_in"] == 900
        me = await client.get("/api/v1/me", headers=bearer(tokens))
    assert me.status_code == 200
    assert me.json()["data"] == user
    assert me.json()["meta"] == {}
    with psycopg.connect(clean_database) as conn:
        row = conn.execute("SELECT id, password_hash, created_at, updated_at FROM users").fetchone()
    assert row is not None
    assert str(row[0]) == user["id"]
    assert row[0].version == 7
    assert row[1].startswith("$argon2id$")  # covers: S-SEC-2
    assert row[2].tzinfo is not None
    assert row[2].utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "a@example.com", "display_name": "A"}, "password"),
        ({"email": "a@example.com", "password": "short", "display_name": "A"}, "password"),
        ({"email": "a@example.com", "password": "", "display_name": "A"}, "password"),
        ({"password": PASSWORD, "display_name": "A"}, "email"),
        ({"email": "not-an-email", "password": PASSWORD, "display_name": "A"}, "email"),
        ({"email": "x'; DROP TABLE users; --@example.com", "password": PASSWORD, "display_name": "A"}, "email"),
        ({"email": "a" * 10_000 + "@example.com", "password": PASSWORD, "display_name": "A"}, "email"),
        ({"email": "a@example.com", "password": PASSWORD, "display_name": ""}, "display_name"),
        ({"email": "a@example.com", "password": "p" * 10_000, "display_name": "A"}, "password"),
    ],
)
async def test_malformed_registration_is_400_with_the_field(
    clean_database: str, tmp_path: Path, body: dict[str, str], field: str
) -> None:
    # covers: S-SEC-1, S-SEC-5
    async with api_client(clean_database, tmp_path) as client:
        response = await client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 400
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["code"] == "bad_request"
    assert field in {e["field"] for e in problem["errors"]}
    with psycopg.connect(clean_database) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (0,)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("aaaaaaaaaaaaaaaa", "different characters"),
        ("121212121212121", "different characters"),
        ("my-graceh0pper-pw", "email"),
    ],
)
async def test_weak_password_is_422_naming_the_password(
    clean_database: str, tmp_path: Path, password: str, message: str
) -> None:
    # covers: S-SEC-1
    async with api_client(clean_database, tmp_path) as client:
        response = await client.post(
            "/api/v1/auth/register",
            json={"email": "graceh0pper@example.com", "password": password, "display_name": "Grace"},
        )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "weak_password"
    assert problem["errors"][0]["field"] == "password"
    assert message in problem["errors"][0]["message"]


async def test_duplicate_email_is_409_whatever_the_case(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        email = unique_email()
        await register(client, email=email)
        again = await client.post(
            "/api/v1/auth/register", json={"email": email.upper(), "password": PASSWORD, "display_name": "Other"}
        )
    assert again.status_code == 409
    assert again.json()["code"] == "email_taken"
    with psycopg.connect(clean_database) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (1,)


async def test_sql_metacharacters_in_a_valid_email_are_stored_verbatim(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-5
    email = "o'brien+x'or'1'='1@example.com"
    async with api_client(clean_database, tmp_path) as client:
        user = await register(client, email=email)
        tokens = await login(client, email)
        wrong = await client.post("/api/v1/auth/login", json={"email": "' OR '1'='1", "password": "' OR '1'='1"})
    assert user["email"] == email
    assert tokens["access_token"]
    assert wrong.status_code == 401
    with psycopg.connect(clean_database) as conn:
        assert conn.execute("SELECT email FROM users").fetchall() == [(email,)]


async def test_login_answers_the_same_for_unknown_email_and_wrong_password(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        user = await register(client)
        wrong_password = await client.post(
            "/api/v1/auth/login", json={"email": user["email"], "password": "not the password at all"}
        )
        unknown = await client.post(
            "/api/v1/auth/login", json={"email": unique_email(), "password": "not the password at all"}
        )
        oversized = await client.post("/api/v1/auth/login", json={"email": "a" * 10_000, "password": "x"})
    assert wrong_password.status_code == unknown.status_code == 401
    a, b = wrong_password.json(), unknown.json()
    assert (
        (a["code"], a["detail"], a["title"])
        == (b["code"], b["detail"], b["title"])
        == (
            "invalid_credentials",
            "wrong email or password",
            "Unauthorized",
        )
    )
    assert oversized.status_code == 400


async def test_me_without_a_token_is_401_problem(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        response = await client.get("/api/v1/me")
        basic = await client.get("/api/v1/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == basic.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_login_rehashes_a_password_hashed_with_old_parameters(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-2
    async with api_client(clean_database, tmp_path) as client:
        user = await register(client)
    with psycopg.connect(clean_database) as conn:
        (before,) = conn.execute("SELECT password_hash FROM users").fetchone() or ("",)
    async with api_client(clean_database, tmp_path, SUBDUB_ARGON2_TIME_COST="2") as client:
        await login(client, user["email"])
        await login(client, user["email"])
    with psycopg.connect(clean_database) as conn:
        (after,) = conn.execute("SELECT password_hash FROM users").fetchone() or ("",)
    assert "t=1," in before
    assert "t=2," in after
