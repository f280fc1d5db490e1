"""Access tokens (JWT, HS256 pinned) and rotating refresh-token families, over HTTP."""

from __future__ import annotations

import base64
import json
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
import psycopg
import pytest

from tests.support.app import api_client
from tests.support.identity import bearer, signed_in

pytestmark = pytest.mark.db
SECRET = "x" * 48  # the test settings' SUBDUB_JWT_SECRET


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def _forged(claims: dict[str, Any], **changes: Any) -> dict[str, str]:
    """Variants of a real token's claims, each one signed or shaped wrongly in its own way."""
    now = int(time.time())
    expired = {**claims, "iat": now - 3600, "exp": now - 1800}
    header, _payload, signature = jwt.encode(claims, SECRET, algorithm="HS256").split(".")
    promoted = _b64({**claims, "role": "admin"})
    return {
        "expired": jwt.encode(expired, SECRET, algorithm="HS256"),
        "tampered": f"{header}.{promoted}.{signature}",
        "alg_none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
        "wrong_key": jwt.encode(claims, "y" * 48, algorithm="HS256"),
        "other_algorithm": jwt.encode(claims, SECRET, algorithm="HS512"),
        "missing_jti": jwt.encode({k: v for k, v in claims.items() if k != "jti"}, SECRET, algorithm="HS256"),
        "not_a_jwt": "definitely-not-a-token",
    }


# One forgery signs with HS512 and the test's 48-byte key: PyJWT's key-length notice is expected there.
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
async def test_forged_and_expired_access_tokens_are_401(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-3
    async with api_client(clean_database, tmp_path) as client:
        _, tokens, headers = await signed_in(client)
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
        forged = _forged(_claims(tokens["access_token"]))
        forged["refresh_as_access"] = tokens["refresh_token"]
        answers = {
            name: await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            for name, token in forged.items()
        }
    for name, response in answers.items():
        assert response.status_code == 401, name
        assert response.json()["code"] in {"invalid_token", "token_expired"}, name
    assert answers["expired"].json()["code"] == "token_expired"


async def test_access_token_claims_and_lifetime(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-3
    async with api_client(clean_database, tmp_path) as client:
        user, tokens, _ = await signed_in(client)
    header = jwt.get_unverified_header(tokens["access_token"])
    claims = jwt.decode(tokens["access_token"], SECRET, algorithms=["HS256"])
    assert header["alg"] == "HS256"
    assert {"sub", "role", "iat", "exp", "jti"} <= set(claims)
    assert claims["sub"] == user["id"]
    assert claims["role"] == "member"
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert uuid.UUID(claims["jti"])


async def test_refresh_rotates_and_reuse_revokes_the_family(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-3
    async with api_client(clean_database, tmp_path) as client:
        _, first, _ = await signed_in(client)
        rotated = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert rotated.status_code == 200
        second = rotated.json()["data"]
        assert second["refresh_token"] != first["refresh_token"]
        assert (await client.get("/api/v1/me", headers=bearer(second))).status_code == 200

        # The first token is replayed (stolen copy): 401, and the thief's and the owner's newer token both die.
        replay = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        newest = await client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert replay.status_code == 401
    assert replay.json()["code"] == "refresh_token_reused"
    assert newest.status_code == 401
    with psycopg.connect(clean_database) as conn:
        rows = conn.execute("SELECT revoked_at IS NOT NULL FROM refresh_tokens").fetchall()
        actions = [r[0] for r in conn.execute("SELECT action FROM audit_logs ORDER BY id").fetchall()]
    assert rows == [(True,), (True,)]
    assert "session.reuse_detected" in actions


async def test_refresh_tokens_are_stored_hashed(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-3
    async with api_client(clean_database, tmp_path) as client:
        _, tokens, _ = await signed_in(client)
    with psycopg.connect(clean_database) as conn:
        (digest,) = conn.execute("SELECT token_digest FROM refresh_tokens").fetchone() or (b"",)
    assert tokens["refresh_token"].encode() not in bytes(digest)
    assert len(bytes(digest)) == 32


async def test_logout_revokes_the_session(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-3
    async with api_client(clean_database, tmp_path) as client:
        _, tokens, _ = await signed_in(client)
        out = await client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
        again = await client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
        unknown = await client.post("/api/v1/auth/logout", json={"refresh_token": "never-issued"})
        refresh = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert out.status_code == again.status_code == unknown.status_code == 204
    assert refresh.status_code == 401
    assert refresh.json()["code"] == "invalid_refresh_token"


@pytest.mark.parametrize("body", [{}, {"refresh_token": ""}, {"refresh_token": "x" * 5000}, {"refresh_token": 5}])
async def test_malformed_refresh_requests_are_400(clean_database: str, tmp_path: Path, body: dict[str, Any]) -> None:
    # covers: S-SEC-1
    async with api_client(clean_database, tmp_path) as client:
        response = await client.post("/api/v1/auth/refresh", json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "refresh_token"


async def test_expired_refresh_token_is_401(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-3
    async with api_client(clean_database, tmp_path) as client:
        _, tokens, _ = await signed_in(client)
        with psycopg.connect(clean_database, autocommit=True) as conn:
            conn.execute("UPDATE refresh_tokens SET expires_at = now() - interval '1 second'")
        response = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_refresh_token"
    with psycopg.connect(clean_database) as conn:  # an expired token is refused, not treated as theft
        assert conn.execute("SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NULL").fetchone() == (1,)


async def test_refresh_lifetime_is_thirty_days(clean_database: str, tmp_path: Path) -> None:
    # covers: S-SEC-3
    async with api_client(clean_database, tmp_path) as client:
        await signed_in(client)
    with psycopg.connect(clean_database) as conn:
        row = conn.execute("SELECT expires_at - created_at FROM refresh_tokens").fetchone()
    assert row is not None
    assert row[0].days == 30
