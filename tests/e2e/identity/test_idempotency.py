"""Idempotency-Key (S-API-6) on register, and on a probe route that needs an actor and can be slowed down."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from litestar import Response, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from application.actor import Actor
from entrypoints.http.idempotency import IDEMPOTENCY_HONOURED, IDEMPOTENCY_REQUIRED
from tests.support.app import api_client, build_test_app
from tests.support.identity import PASSWORD, signed_in, unique_email
from tests.support.server import serving

pytestmark = pytest.mark.db


@post("/test/things", opt=IDEMPOTENCY_REQUIRED, status_code=201)
async def create_thing(actor: NamedDependency[Actor], data: JSONBody[dict[str, Any]]) -> Response[dict[str, Any]]:
    if data.get("fail"):
        return Response({"error": "nope"}, status_code=422)
    return Response({"user": str(actor.user_id), **data}, status_code=201, headers={"Location": "/test/things/1"})


@post("/test/anonymous", opt=IDEMPOTENCY_HONOURED, status_code=201)
async def anonymous(data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
    return data


def _count(url: str, query: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0


async def test_register_replay_returns_the_same_201_and_creates_one_user(clean_database: str, tmp_path: Path) -> None:
    # covers: S-API-6
    body = {"email": unique_email(), "password": PASSWORD, "display_name": "Once"}
    async with api_client(clean_database, tmp_path) as client:
        first = await client.post("/api/v1/auth/register", json=body, headers={"Idempotency-Key": "reg-1"})
        second = await client.post("/api/v1/auth/register", json=body, headers={"Idempotency-Key": "reg-1"})
        other = await client.post(
            "/api/v1/auth/register", json={**body, "display_name": "Twice"}, headers={"Idempotency-Key": "reg-1"}
        )
    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert _count(clean_database, "SELECT count(*) FROM users") == 1


async def test_keys_are_scoped_to_the_user(clean_database: str, tmp_path: Path) -> None:
    # covers: S-API-6
    async with api_client(clean_database, tmp_path) as client:
        client.app.register(create_thing)
        _, _, alice = await signed_in(client)
        _, _, bob = await signed_in(client)
        a = await client.post("/test/things", json={"n": 1}, headers={**alice, "Idempotency-Key": "k"})
        b = await client.post("/test/things", json={"n": 1}, headers={**bob, "Idempotency-Key": "k"})
    assert a.status_code == b.status_code == 201
    assert a.json()["user"] != b.json()["user"]
    assert "idempotent-replayed" not in b.headers


async def test_required_key_missing_or_malformed_is_400(clean_database: str, tmp_path: Path) -> None:
    # covers: S-API-6
    async with api_client(clean_database, tmp_path) as client:
        client.app.register(create_thing)
        _, _, headers = await signed_in(client)
        missing = await client.post("/test/things", json={"n": 1}, headers=headers)
        too_long = await client.post("/test/things", json={"n": 1}, headers={**headers, "Idempotency-Key": "k" * 300})
        unauthenticated = await client.post("/test/things", json={"n": 1}, headers={"Idempotency-Key": "k"})
    assert missing.status_code == too_long.status_code == 400
    assert missing.json()["code"] == "idempotency_key_required"
    assert too_long.json()["code"] == "invalid_idempotency_key"
    assert unauthenticated.status_code == 401
    assert _count(clean_database, "SELECT count(*) FROM idempotency_keys") == 0


async def test_failed_request_releases_the_key(clean_database: str, tmp_path: Path) -> None:
    # covers: S-API-6
    async with api_client(clean_database, tmp_path) as client:
        client.app.register(create_thing)
        _, _, headers = await signed_in(client)
        failed = await client.post("/test/things", json={"fail": True}, headers={**headers, "Idempotency-Key": "f"})
        assert _count(clean_database, "SELECT count(*) FROM idempotency_keys") == 0
        retried = await client.post("/test/things", json={"fail": True}, headers={**headers, "Idempotency-Key": "f"})
    assert failed.status_code == retried.status_code == 422
    assert "idempotent-replayed" not in retried.headers


async def test_second_request_while_the_first_runs_is_409_in_progress(clean_database: str, tmp_path: Path) -> None:
    # covers: S-API-6
    # The test client serves one request at a time, so the "first request" is a claim taken and not finished,
    # exactly what a request still running in another replica leaves in the table.
    body = b'{"n":1}'
    async with api_client(clean_database, tmp_path) as client:
        client.app.register(create_thing)
        user, _, headers = await signed_in(client)
        with psycopg.connect(clean_database, autocommit=True) as conn:
            conn.execute(
                "INSERT INTO idempotency_keys (id, scope, method, path, idempotency_key, request_hash, locked_until, "
                "expires_at, created_at, updated_at) VALUES (gen_random_uuid(), %s, 'POST', '/test/things', 'slow', "
                "%s, now() + interval '1 minute', now() + interval '1 day', now(), now())",
                (user["id"], hashlib.sha256(body).digest()),
            )
        request_headers = {**headers, "Idempotency-Key": "slow", "Content-Type": "application/json"}
        second = await client.post("/test/things", content=body, headers=request_headers)
        other_body = await client.post("/test/things", content=b'{"n":2}', headers=request_headers)
        # A claim left unfinished past its lock (the first request's process died) is taken over by the same body.
        with psycopg.connect(clean_database, autocommit=True) as conn:
            conn.execute("UPDATE idempotency_keys SET locked_until = now() - interval '1 second'")
        after_crash = await client.post("/test/things", content=body, headers=request_headers)
        replay = await client.post("/test/things", content=body, headers=request_headers)
    assert second.status_code == 409
    assert second.json()["code"] == "idempotency_in_progress"
    assert other_body.status_code == 409
    assert other_body.json()["code"] == "idempotency_key_reused"
    assert after_crash.status_code == 201
    assert replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == after_crash.content


async def test_expired_keys_are_not_replayed(clean_database: str, tmp_path: Path) -> None:
    # covers: S-API-6
    async with api_client(clean_database, tmp_path) as client:
        client.app.register(anonymous)
        first = await client.post("/test/anonymous", json={"v": 1}, headers={"Idempotency-Key": "old"})
        with psycopg.connect(clean_database, autocommit=True) as conn:
            conn.execute("UPDATE idempotency_keys SET expires_at = now() - interval '1 second'")
        other_body = await client.post("/test/anonymous", json={"v": 2}, headers={"Idempotency-Key": "old"})
        purged = await client.app.state["container"].core.idempotency_keys().purge_expired()
    assert first.status_code == other_body.status_code == 201
    assert other_body.json() == {"v": 2}
    assert "idempotent-replayed" not in other_body.headers
    assert purged == 0  # the expired row was taken over, not left behind
    with psycopg.connect(clean_database) as conn:
        row = conn.execute("SELECT expires_at - created_at FROM idempotency_keys").fetchone()
    assert row is not None
    assert row[0].total_seconds() == 24 * 3600


# covers: S-API-9, S-API-6
def test_chunked_body_over_the_limit_is_413_even_with_an_idempotency_key(clean_database: str, tmp_path: Path) -> None:
    app, _ = build_test_app(clean_database, tmp_path)
    # Valid JSON whitespace past the 1 MiB limit but under twice it: what is left after the first MiB
    # would fit under the limit on its own, so a half-read body must not reach the handler.
    padding = b" " * (1024 * 1024 + 512 * 1024)
    body = b'{"email": "big@example.com", "password": "long enough password", "display_name": "Big"' + padding + b"}"
    with serving(app) as base_url:
        response = httpx.post(
            f"{base_url}/api/v1/auth/register",
            content=(body[i : i + 65536] for i in range(0, len(body), 65536)),  # chunked: no Content-Length
            headers={"content-type": "application/json", "Idempotency-Key": "chunked-1"},
            timeout=20,
        )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    with psycopg.connect(clean_database) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (0,)
