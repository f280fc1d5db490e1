"""With REDIS_URL set, rate limits and the token-epoch cache live in Redis (skipped without TEST_REDIS_URL)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import redis

from tests.support.app import api_client
from tests.support.identity import signed_in

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = [pytest.mark.db, pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")]


def _clear_ip_counter() -> None:
    with redis.Redis.from_url(REDIS_URL or "") as client:
        client.delete("subdub:rate:auth:ip:testclient")


async def test_lockout_and_token_revocation_work_through_redis(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-2, S-SEC-3
    _clear_ip_counter()
    async with api_client(clean_database, tmp_path, REDIS_URL=REDIS_URL or "") as client:
        admin, _, admin_headers = await signed_in(client, admin=True, database_url=clean_database)
        target, _, target_headers = await signed_in(client)
        assert (await client.get("/api/v1/me", headers=target_headers)).status_code == 200
        with redis.Redis.from_url(REDIS_URL or "") as direct:
            cached = direct.keys(f"subdub*auth-state:{target['id']}")
        await client.patch(f"/api/v1/admin/users/{target['id']}", json={"role": "admin"}, headers=admin_headers)
        after_change = await client.get("/api/v1/me", headers=target_headers)
        codes = [
            (await client.post("/api/v1/auth/login", json={"email": target["email"], "password": "nope"})).status_code
            for _ in range(6)
        ]
    _clear_ip_counter()
    assert cached, "the token epoch was not cached in Redis"
    assert after_change.status_code == 401
    assert codes == [401] * 5 + [429]
    assert admin["id"]
