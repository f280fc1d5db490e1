"""The resilient HTTP client against a real loopback server with injected faults."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.http.client import ResilientHttpClient, RetryPolicy
from adapters.http.errors import retry_after_seconds
from adapters.http.resilience import AsyncCircuitBreaker
from application.errors import ProviderBadResponse, ProviderRateLimited, ProviderUnavailable
from tests.fakes.http_server import FakeHttpServer, FakeRequest, FakeResponse

FAST = RetryPolicy(max_attempts=3, backoff_initial_s=0.01, backoff_max_s=0.02, jitter_s=0.01)


async def ok_handler(request: FakeRequest) -> FakeResponse:
    return FakeResponse.json({"ok": True, "path": request.path})


@pytest.fixture
async def server() -> AsyncIterator[FakeHttpServer]:
    server = await FakeHttpServer(ok_handler).start()
    try:
        yield server
    finally:
        await server.stop()


def make_client(server: FakeHttpServer, **kwargs: object) -> ResilientHttpClient:
    options: dict[str, object] = {"connect_timeout_s": 1.0, "read_timeout_s": 0.3, "retry": FAST}
    options.update(kwargs)
    return ResilientHttpClient(provider="fake", base_url=server.url, **options)  # type: ignore[arg-type]


async def test_a_5xx_is_retried_with_backoff_until_it_succeeds(server: FakeHttpServer) -> None:
    # covers: S-EXT-2
    server.inject(FakeResponse(status=502, body=b"<html>bad gateway</html>", content_type="text/html"))
    server.inject(FakeResponse.json({"error": "x"}, status=503))
    client = make_client(server)
    response = await client.request("GET", "/thing")
    assert response.status == 200
    assert len(server.requests) == 3
    await client.aclose()


async def test_a_timeout_is_retried_then_reported_as_provider_unavailable_with_retry_after(
    server: FakeHttpServer,
) -> None:
    # covers: S-EXT-2
    server.latency_s = 0.6  # beyond the 0.3 s read timeout
    client = make_client(server)
    with pytest.raises(ProviderUnavailable) as caught:
        await client.request("GET", "/slow")
    assert caught.value.code == "provider_unavailable"
    assert caught.value.retry_after_s >= 1
    assert len(server.requests) == FAST.max_attempts
    assert client.last_error is not None
    assert client.last_error.startswith("timeout")
    await client.aclose()


async def test_a_refused_connection_is_provider_unavailable() -> None:
    client = ResilientHttpClient(
        provider="fake", base_url="http://127.0.0.1:9", connect_timeout_s=0.5, read_timeout_s=0.5, retry=FAST
    )
    with pytest.raises(ProviderUnavailable):
        await client.request("GET", "/")
    await client.aclose()


async def test_429_with_retry_after_2_waits_at_least_2_seconds_before_retrying(server: FakeHttpServer) -> None:
    # covers: S-EXT-2
    server.inject(FakeResponse.json({"message": "slow down"}, status=429, **{"Retry-After": "2"}))
    client = make_client(server)
    started = time.monotonic()
    response = await client.request("GET", "/limited")
    assert response.status == 200
    assert time.monotonic() - started >= 2.0
    assert len(server.requests) == 2
    await client.aclose()


async def test_429_asking_for_a_long_pause_fails_at_once_as_provider_rate_limited(server: FakeHttpServer) -> None:
    server.inject(FakeResponse.json({"message": "quota"}, status=429, **{"Retry-After": "3600"}))
    client = make_client(server)
    with pytest.raises(ProviderRateLimited) as caught:
        await client.request("GET", "/limited")
    assert caught.value.code == "provider_rate_limited"
    assert caught.value.retry_after_s == 3600
    assert len(server.requests) == 1
    await client.aclose()


async def test_429_repeated_ends_as_provider_rate_limited(server: FakeHttpServer) -> None:
    for _ in range(FAST.max_attempts):
        server.inject(FakeResponse.json({}, status=429, **{"RateLimit-Reset": "0"}))
    client = make_client(server)
    with pytest.raises(ProviderRateLimited):
        await client.request("GET", "/limited")
    assert len(server.requests) == FAST.max_attempts
    await client.aclose()


@pytest.mark.parametrize("status", [400, 401, 403, 404, 406, 422])
async def test_other_4xx_are_never_retried_and_go_back_to_the_adapter(server: FakeHttpServer, status: int) -> None:
    server.inject(FakeResponse.json({"message": "no"}, status=status))
    client = make_client(server)
    response = await client.request("GET", "/x")
    assert response.status == status
    assert len(server.requests) == 1
    assert client.breaker.fail_counter == 0
    await client.aclose()


async def test_a_50_mb_streamed_body_is_cut_off_without_holding_it_in_memory(server: FakeHttpServer) -> None:
    server.inject(FakeResponse(stream_bytes=50 * 1024 * 1024))
    client = make_client(server, max_body_bytes=1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(ProviderBadResponse) as caught:
            await client.request("GET", "/huge")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "provider_bad_response"
    assert peak < 8 * 1024 * 1024
    assert len(server.requests) == 1  # not retried
    await client.aclose()


async def test_a_declared_oversized_body_is_refused_before_reading(server: FakeHttpServer) -> None:
    server.inject(FakeResponse(body=b"x" * 4096))
    client = make_client(server, max_body_bytes=1024)
    with pytest.raises(ProviderBadResponse):
        await client.request("GET", "/big")
    await client.aclose()


async def test_the_breaker_opens_fails_fast_without_requests_then_half_opens_and_closes(
    server: FakeHttpServer,
) -> None:
    # covers: S-EXT-2
    breaker = AsyncCircuitBreaker("fake", fail_max=3, reset_timeout_s=0.3, is_failure=lambda e: True)
    client = make_client(server, breaker=breaker, retry=RetryPolicy(max_attempts=1))
    server.fault_pattern = lambda index: FakeResponse.json({}, status=500)
    for _ in range(3):
        with pytest.raises(ProviderUnavailable):
            await client.request("GET", "/down")
    assert breaker.state == "open"
    sent = len(server.requests)
    for _ in range(5):
        with pytest.raises(ProviderUnavailable) as caught:
            await client.request("GET", "/down")
        assert "circuit open" in caught.value.detail
    assert len(server.requests) == sent  # measured: no outbound request while open

    # After the reset timeout one trial call goes through; it fails, so the circuit opens again.
    time.sleep(0.35)
    assert breaker.state == "half_open"
    with pytest.raises(ProviderUnavailable):
        await client.request("GET", "/down")
    assert len(server.requests) == sent + 1
    assert breaker.state == "open"

    # The provider recovers: the next trial succeeds and closes the circuit.
    server.fault_pattern = None
    time.sleep(0.35)
    response = await client.request("GET", "/up")
    assert response.status == 200
    assert breaker.state == "closed"
    await client.aclose()


async def test_client_errors_do_not_count_against_the_breaker(server: FakeHttpServer) -> None:
    client = make_client(server, retry=RetryPolicy(max_attempts=1))
    server.fault_pattern = lambda index: FakeResponse.json({}, status=404)
    for _ in range(15):
        await client.request("GET", "/missing")
    assert client.breaker.state == "closed"
    await client.aclose()


def test_retry_after_accepts_seconds_http_dates_and_ratelimit_reset() -> None:
    assert retry_after_seconds(httpx.Headers({"Retry-After": "7"})) == 7
    assert retry_after_seconds(httpx.Headers({"RateLimit-Reset": "3"})) == 3
    assert retry_after_seconds(httpx.Headers({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0
    assert retry_after_seconds(httpx.Headers({"Retry-After": "soon"})) is None
    assert retry_after_seconds(httpx.Headers({})) is None
