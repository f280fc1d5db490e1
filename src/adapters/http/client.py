"""The one resilient HTTP client every provider adapter uses (S-EXT-2).

Each call: client-side rate limit → circuit breaker → one attempt (connect/read timeouts, body
streamed and capped) → classify; transient failures (timeouts, connection errors, 429, 5xx) are
retried by tenacity with exponential backoff and jitter, waiting at least what `Retry-After` /
`RateLimit-Reset` asks. Other 4xx are returned to the adapter, which knows the provider's error
envelope. What is left after the retries becomes a typed application error.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import structlog
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from adapters.http.errors import OversizedResponseError, TransientHttpError, retry_after_seconds
from adapters.http.resilience import AsyncCircuitBreaker, BreakerOpenError, SlidingWindowLimiter
from adapters.http.telemetry import PROVIDER_LATENCY, PROVIDER_REQUESTS, tracer
from application.errors import ProviderBadResponse, ProviderRateLimited, ProviderUnavailable

log = structlog.get_logger(__name__)
MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 4
    backoff_initial_s: float = 0.2
    backoff_max_s: float = 5.0
    jitter_s: float = 0.2
    max_retry_after_s: float = 30.0  # a provider asking for a longer pause gets an immediate error instead


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: httpx.Headers
    body: bytes
    url: str

    @property
    def content_type(self) -> str:
        return str(self.headers.get("content-type", "")).split(";")[0].strip().lower()


def is_breaker_failure(exc: BaseException) -> bool:
    """A provider that times out, refuses connections, fails with 5xx or floods us is unhealthy; 429 is not."""
    if isinstance(exc, TransientHttpError):
        return exc.kind != "rate_limited"
    return isinstance(exc, OversizedResponseError)


class ResilientHttpClient:
    def __init__(
        self,
        *,
        provider: str,
        base_url: str,
        connect_timeout_s: float,
        read_timeout_s: float,
        retry: RetryPolicy | None = None,
        breaker: AsyncCircuitBreaker | None = None,
        max_body_bytes: int = 10 * MIB,
        follow_redirects: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.provider = provider
        self.retry = retry or RetryPolicy()
        self.breaker = breaker or AsyncCircuitBreaker(provider, is_failure=is_breaker_failure)
        self.max_body_bytes = max_body_bytes
        self.last_error: str | None = None
        self._deadline_s = connect_timeout_s + 2 * read_timeout_s
        self._sleep = sleep
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(read_timeout_s, connect=connect_timeout_s),
            follow_redirects=follow_redirects,
            transport=transport,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        limiter: SlidingWindowLimiter | None = None,
        max_body_bytes: int | None = None,
    ) -> HttpResponse:
        """Send with retries; answers any status below 500 except 429 (the adapter maps 4xx)."""
        limit = max_body_bytes or self.max_body_bytes
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.retry.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(self._should_retry),
            sleep=self._sleep,
            reraise=True,
        )
        with tracer.start_as_current_span(
            f"{self.provider} {method}", attributes={"provider": self.provider, "http.method": method}
        ) as span:
            try:
                async for attempt in retrying:
                    with attempt:
                        span.set_attribute("provider.attempts", attempt.retry_state.attempt_number)
                        if limiter is not None:
                            await limiter.acquire()
                        response = await self.breaker.call(
                            lambda: self._attempt(method, url, params=params, json=json, headers=headers, limit=limit)
                        )
                span.set_attribute("http.status_code", response.status)
                return response
            except BreakerOpenError as exc:
                self._count("breaker_open")
                raise ProviderUnavailable(
                    self.provider,
                    f"{self.provider} is failing; calls are paused (circuit open)",
                    retry_after_s=max(1, round(exc.retry_after_s)),
                ) from None
            except TransientHttpError as exc:
                self.last_error = f"{exc.kind}: {exc}"
                span.set_attribute("provider.error", exc.kind)
                if exc.kind == "rate_limited":
                    raise ProviderRateLimited(
                        self.provider,
                        f"{self.provider} is rate limiting us",
                        retry_after_s=max(1, round(exc.retry_after_s or 5)),
                    ) from None
                raise ProviderUnavailable(self.provider, f"{self.provider}: {exc}", retry_after_s=5) from None
            except OversizedResponseError as exc:
                self.last_error = f"bad_response: {exc}"
                raise ProviderBadResponse(self.provider, f"{self.provider}: {exc}") from None

    def _should_retry(self, exc: BaseException) -> bool:
        if not isinstance(exc, TransientHttpError):
            return False
        return exc.retry_after_s is None or exc.retry_after_s <= self.retry.max_retry_after_s

    def _wait(self, state: RetryCallState) -> float:
        backoff = wait_exponential_jitter(
            multiplier=self.retry.backoff_initial_s, max=self.retry.backoff_max_s, jitter=self.retry.jitter_s
        )(state)
        exc = state.outcome.exception() if state.outcome is not None else None
        asked = exc.retry_after_s if isinstance(exc, TransientHttpError) and exc.retry_after_s is not None else 0.0
        return max(backoff, asked)

    async def _attempt(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None,
        json: Any,
        headers: Mapping[str, str] | None,
        limit: int,
    ) -> HttpResponse:
        started = time.perf_counter()
        outcome = "ok"
        try:
            async with asyncio.timeout(self._deadline_s):
                response = await self._send(method, url, params=params, json=json, headers=headers, limit=limit)
            if response.status == 429:
                raise TransientHttpError(
                    "rate_limited",
                    "429 Too Many Requests",
                    status=429,
                    retry_after_s=retry_after_seconds(response.headers),
                )
            if response.status >= 500:
                raise TransientHttpError(
                    "server_error",
                    f"{response.status} from the provider",
                    status=response.status,
                    retry_after_s=retry_after_seconds(response.headers),
                )
            if response.status >= 400:
                outcome = "client_error"
            return response
        except (httpx.TimeoutException, TimeoutError):
            outcome = "timeout"
            raise TransientHttpError("timeout", "timed out") from None
        except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as exc:
            outcome = "connect_error"
            raise TransientHttpError("connect_error", f"connection failed ({type(exc).__name__})") from None
        except TransientHttpError as exc:
            outcome = exc.kind
            raise
        except OversizedResponseError:
            outcome = "bad_response"
            raise
        finally:
            PROVIDER_REQUESTS.labels(self.provider, outcome).inc()
            PROVIDER_LATENCY.labels(self.provider).observe(time.perf_counter() - started)
            if outcome not in ("ok", "client_error"):
                self.last_error = outcome
                log.info("provider.attempt_failed", provider=self.provider, outcome=outcome, method=method)

    async def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None,
        json: Any,
        headers: Mapping[str, str] | None,
        limit: int,
    ) -> HttpResponse:
        request = self._client.build_request(method, url, params=params, json=json, headers=headers)
        response = await self._client.send(request, stream=True)
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise OversizedResponseError(f"response of {declared} bytes exceeds the {limit}-byte limit")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise OversizedResponseError(f"response exceeds the {limit}-byte limit")
                chunks.append(chunk)
        finally:
            await response.aclose()
        return HttpResponse(
            status=response.status_code, headers=response.headers, body=b"".join(chunks), url=str(response.url)
        )

    def _count(self, outcome: str) -> None:
        PROVIDER_REQUESTS.labels(self.provider, outcome).inc()
