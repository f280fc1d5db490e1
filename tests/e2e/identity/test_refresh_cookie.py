"""Browser sessions: the refresh token in an HttpOnly cookie scoped to the auth routes, with a CSRF check."""

from __future__ import annotations

from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest

from tests.support.app import api_client
from tests.support.identity import PASSWORD, register

pytestmark = pytest.mark.db


def _cookies(response: Any) -> dict[str, Any]:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        jar.load(header)
    return {name: jar[name] for name in jar}


def _cookie_header(cookies: dict[str, Any]) -> dict[str, str]:
    # httpx's jar never sends a Secure cookie over the test client's plain http, so the header is built by hand.
    return {"Cookie": "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())}


async def _cookie_login(client: Any) -> tuple[Any, dict[str, Any]]:
    user = await register(client)
    response = await client.post(
        "/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD, "refresh_cookie": True}
    )
    assert response.status_code == 200, response.text
    return response, _cookies(response)


# covers: S-SEC-3, S-SEC-6
async def test_cookie_login_keeps_the_refresh_token_out_of_the_body(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        response, cookies = await _cookie_login(client)
    body = response.json()["data"]
    assert "refresh_token" not in body and body["access_token"] and body["token_type"] == "Bearer"
    assert response.headers["cache-control"] == "no-store"
    refresh, csrf = cookies["subdub_refresh"], cookies["subdub_csrf"]
    assert refresh["httponly"] and refresh["secure"] and refresh["samesite"].lower() == "strict"
    assert refresh["path"] == "/api/v1/auth"
    assert not csrf["httponly"] and csrf["secure"] and csrf["samesite"].lower() == "strict" and csrf["path"] == "/"


# covers: S-SEC-3
async def test_refresh_through_the_cookie_needs_the_csrf_token_and_rotates(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        _, cookies = await _cookie_login(client)
        csrf = cookies["subdub_csrf"].value
        no_header = await client.post("/api/v1/auth/refresh", json={}, headers=_cookie_header(cookies))
        wrong = await client.post(
            "/api/v1/auth/refresh", json={}, headers={**_cookie_header(cookies), "X-CSRF-Token": csrf[:-2] + "xx"}
        )
        good = await client.post(
            "/api/v1/auth/refresh", json={}, headers={**_cookie_header(cookies), "X-CSRF-Token": csrf}
        )
        rotated = _cookies(good)
        fresh_access = {"Authorization": f"Bearer {good.json()['data']['access_token']}"}
        me = await client.get("/api/v1/me", headers=fresh_access)
        replay = await client.post(
            "/api/v1/auth/refresh", json={}, headers={**_cookie_header(cookies), "X-CSRF-Token": csrf}
        )
        after_replay = await client.get("/api/v1/me", headers=fresh_access)
    assert no_header.status_code == wrong.status_code == 403
    assert no_header.json()["code"] == "csrf_token_invalid"
    assert good.status_code == 200, good.text
    assert "refresh_token" not in good.json()["data"]
    assert rotated["subdub_refresh"].value != cookies["subdub_refresh"].value
    assert rotated["subdub_csrf"].value != csrf
    assert replay.status_code == 401 and replay.json()["code"] == "refresh_token_reused"
    assert me.status_code == 200
    assert after_replay.status_code == 401  # reuse revokes the whole session, its access tokens included


# covers: S-SEC-3
async def test_cookie_logout_revokes_and_clears(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        _, cookies = await _cookie_login(client)
        headers = {**_cookie_header(cookies), "X-CSRF-Token": cookies["subdub_csrf"].value}
        out = await client.post("/api/v1/auth/logout", json={}, headers=headers)
        cleared = _cookies(out)
        after = await client.post("/api/v1/auth/refresh", json={}, headers=headers)
        no_cookie = await client.post("/api/v1/auth/refresh", json={})
    assert out.status_code == 204
    assert cleared["subdub_refresh"]["max-age"] == "0" and cleared["subdub_csrf"]["max-age"] == "0"
    assert after.status_code == 401
    assert no_cookie.status_code == 400 and no_cookie.json()["errors"][0]["field"] == "refresh_token"
