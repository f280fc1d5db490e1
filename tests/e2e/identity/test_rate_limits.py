"""Rate limits on login and register (per account, per IP) and on the whole API (per user)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.app import api_client
from tests.support.identity import PASSWORD, login, register, signed_in, unique_email

pytestmark = pytest.mark.db


async def test_sixth_failed_login_for_one_account_is_429_with_retry_after(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-2
    async with api_client(clean_database, tmp_path) as client:
        user = await register(client)
        other = await register(client)
        attempts = [
            await client.post("/api/v1/auth/login", json={"email": user["email"], "password": f"wrong-{i}"})
            for i in range(6)
        ]
        right_password_now = await client.post(
            "/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD}
        )
        other_account = await client.post("/api/v1/auth/login", json={"email": other["email"], "password": PASSWORD})
    assert [a.status_code for a in attempts] == [401] * 5 + [429]
    locked = attempts[5]
    assert locked.json()["code"] == "rate_limited"
    assert 1 <= int(locked.headers["retry-after"]) <= 15 * 60
    assert right_password_now.status_code == 429  # locked for the window, even with the right password
    assert other_account.status_code == 200


async def test_unknown_accounts_are_limited_the_same_way(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-2
    email = unique_email()
    async with api_client(clean_database, tmp_path) as client:
        codes = [
            (await client.post("/api/v1/auth/login", json={"email": email, "password": "guess"})).status_code
            for _ in range(6)
        ]
    assert codes == [401] * 5 + [429]


async def test_a_successful_login_clears_the_failure_count(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-2
    async with api_client(clean_database, tmp_path) as client:
        user = await register(client)
        for _ in range(4):
            await client.post("/api/v1/auth/login", json={"email": user["email"], "password": "wrong password"})
        await login(client, user["email"])
        codes = [
            (
                await client.post("/api/v1/auth/login", json={"email": user["email"], "password": "wrong password"})
            ).status_code
            for _ in range(5)
        ]
    assert codes == [401] * 5


async def test_login_and_register_are_limited_per_ip(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-2
    async with api_client(clean_database, tmp_path, SUBDUB_AUTH_RATE_LIMIT_PER_MINUTE="3") as client:
        user = await register(client)
        await login(client, user["email"])
        await client.post("/api/v1/auth/login", json={"email": user["email"], "password": "wrong password"})
        fourth = await client.post(
            "/api/v1/auth/register", json={"email": unique_email(), "password": PASSWORD, "display_name": "Late"}
        )
        me_still_works = await client.get("/api/v1/me")  # other routes are not under this limit
    assert fourth.status_code == 429
    assert 1 <= int(fourth.headers["retry-after"]) <= 60
    assert me_still_works.status_code == 401


async def test_general_per_user_limit(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path, SUBDUB_RATE_LIMIT_PER_MINUTE="3") as client:
        _, _, alice = await signed_in(client)
        _, _, bob = await signed_in(client)
        codes = [(await client.get("/api/v1/me", headers=alice)).status_code for _ in range(4)]
        bob_code = (await client.get("/api/v1/me", headers=bob)).status_code
        limited = await client.get("/api/v1/me", headers=alice)
    assert codes == [200, 200, 200, 429]
    assert bob_code == 200
    assert limited.json()["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) >= 1
