"""Helpers for tests of any area that need signed-in users."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from litestar.testing import AsyncTestClient

PASSWORD = "correct horse battery staple"


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


async def register(
    client: AsyncTestClient[Any], *, email: str | None = None, password: str = PASSWORD, display_name: str = "Test User"
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/auth/register",
        json={"email": email or unique_email(), "password": password, "display_name": display_name},
    )
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


async def login(client: AsyncTestClient[Any], email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def signed_in(client: AsyncTestClient[Any], *, admin: bool = False, database_url: str | None = None) -> Any:
    """Register and log in a fresh user; returns (user, tokens, headers). `admin=True` needs `database_url`."""
    user = await register(client)
    if admin:
        assert database_url is not None, "promoting to admin needs the database URL"
        make_admin(database_url, user["id"])
    tokens = await login(client, user["email"])
    return user, tokens, bearer(tokens)


def make_admin(database_url: str, user_id: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("UPDATE users SET role = 'admin', token_epoch = token_epoch + 1 WHERE id = %s", (user_id,))
