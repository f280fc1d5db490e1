"""The HTTP conventions every route inherits: problems, request ids, headers, limits, docs."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlparse

import httpx

from tests.support.app import api_client, build_test_app
from tests.support.server import serving

PROBLEM_FIELDS = {"type", "title", "status", "detail", "code", "trace_id"}


def assert_problem(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body.keys() >= PROBLEM_FIELDS
    assert body["status"] == status
    assert body["code"] == code
    assert body["trace_id"]
    return body


# covers: S-API-3, S-API-4
async def test_unknown_route_and_wrong_method_are_problems(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        assert_problem(await client.get("/api/v1/nothing-here"), 404, "not_found")
        wrong = await client.delete("/health/live")
        assert_problem(wrong, 405, "method_not_allowed")


# covers: S-API-3, S-SEC-1
async def test_malformed_json_is_400_with_field_messages(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        broken = await client.post(
            "/api/v1/test-probes/echo", content=b'{"name": "a", ', headers={"content-type": "application/json"}
        )
        assert_problem(broken, 400, "bad_request")
        wrong_type = await client.post("/api/v1/test-probes/echo", json={"name": "a", "count": "many"})
        body = assert_problem(wrong_type, 400, "bad_request")
        assert body["errors"], body
        assert any("count" in e["field"] or "count" in e["message"] for e in body["errors"])
        ok = await client.post("/api/v1/test-probes/echo", json={"name": "a", "count": 2})
        assert ok.status_code == 201 and ok.json() == {"name": "a", "count": 2}


# covers: S-API-3
async def test_unexpected_error_is_500_without_internals(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        response = await client.get("/api/v1/test-probes/boom")
    assert_problem(response, 500, "internal_error")
    text = response.text
    for leak in ("BrokenError", "Traceback", "SELECT", "secret internals", "probe_routes"):
        assert leak not in text


# covers: S-OBS-2
async def test_request_id_is_echoed_or_generated(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        given = await client.get("/health/live", headers={"X-Request-ID": "client-abc.123"})
        assert given.headers["x-request-id"] == "client-abc.123"
        made = await client.get("/health/live")
        assert len(made.headers["x-request-id"]) == 32
        hostile = await client.get("/health/live", headers={"X-Request-ID": "bad id\twith spaces" + "x" * 200})
        assert hostile.headers["x-request-id"] != "bad id\twith spaces"
        assert " " not in hostile.headers["x-request-id"]


# covers: S-SEC-6
async def test_security_headers_on_every_response(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        for path in ("/health/live", "/api/v1/nothing-here", "/schema"):
            response = await client.get(path)
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "no-referrer"
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "strict-transport-security" not in response.headers  # plain HTTP: no HSTS


# covers: S-SEC-6
async def test_cors_only_for_allow_listed_origins(clean_database: str, tmp_path: Path) -> None:
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}
    async with api_client(clean_database, tmp_path) as client:
        none_configured = await client.get("/health/live", headers={"Origin": "https://app.example"})
        assert "access-control-allow-origin" not in none_configured.headers
    async with api_client(clean_database, tmp_path, SUBDUB_CORS_ORIGINS="https://app.example") as client:
        allowed = await client.options("/health/live", headers=preflight)
        assert allowed.headers.get("access-control-allow-origin") == "https://app.example"
        other = await client.get("/health/live", headers={"Origin": "https://evil.example"})
        assert other.headers.get("access-control-allow-origin") != "https://evil.example"


# covers: S-API-8
async def test_openapi_document_and_interactive_page(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        spec = (await client.get("/schema/openapi.json")).json()
        page = await client.get("/schema")
    assert spec["openapi"].startswith("3.1")
    assert "/health/ready" in spec["paths"]
    assert "Problem" in spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            documented = operation["responses"]
            for status in ("400", "401", "404", "500", "503"):
                assert status in documented, f"{method.upper()} {path} does not document {status}"
                assert "application/problem+json" in documented[status]["content"]
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "swagger" in page.text.lower()


# covers: S-API-9, S-API-3
def test_oversized_body_is_413_before_it_is_read(clean_database: str, tmp_path: Path) -> None:
    app, _ = build_test_app(clean_database, tmp_path)
    with serving(app) as base_url:
        url = urlparse(base_url)
        # Announce 50 MiB but send only a few bytes: the answer must come without the body.
        with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
            sock.sendall(
                b"POST /api/v1/test-probes/echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                b'Content-Length: 52428800\r\n\r\n{"name":'
            )
            reply = ""
            while "payload_too_large" not in reply and (chunk := sock.recv(65536)):
                reply += chunk.decode("latin-1")
        assert reply.startswith("HTTP/1.1 413"), reply[:200]
        assert "application/problem+json" in reply
        assert "payload_too_large" in reply
        # A chunked body with no length is cut off once it passes the limit.
        chunks = (b"x" * 65536 for _ in range(40))
        response = httpx.post(
            f"{base_url}/api/v1/test-probes/echo",
            content=chunks,
            timeout=10,
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 413


# covers: S-OBS-4
async def test_metrics_count_requests_and_latency(clean_database: str, tmp_path: Path) -> None:
    async with api_client(clean_database, tmp_path) as client:
        await client.get("/health/live")
        await client.get("/api/v1/test-probes/boom")
        text = (await client.get("/metrics")).text
    assert "subdub_requests_total" in text
    assert "subdub_request_duration_seconds_bucket" in text
    assert 'status_code="500"' in text
