"""The Litestar application factory."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import structlog
from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin
from litestar.plugins.prometheus import PrometheusConfig
from litestar.types import ControllerRouterHandler

from adapters.queue.metrics import install as install_queue_metrics
from entrypoints.http.allow import allow_header_fixer
from entrypoints.http.auth import replay_counter
from entrypoints.http.context import RequestIdMiddleware, echo_request_id
from entrypoints.http.dependencies import dependencies
from entrypoints.http.errors import ERROR_LOG_STATE, EXCEPTION_HANDLERS, document_problem_responses, unhandled_error_log
from entrypoints.http.idempotency import IdempotencyMiddleware
from entrypoints.http.openapi import RefinedJsonRenderPlugin
from entrypoints.http.requests import SubdubRequest
from entrypoints.http.routes import api_routes
from entrypoints.http.security import add_security_headers
from entrypoints.wiring import Container, running

log = structlog.get_logger(__name__)

# How long a thread running Python (the CPU lane validating a sync push) keeps the GIL while the event loop
# waits for it: 1 ms instead of CPython's 5 ms, since a request needs the GIL several times.
SWITCH_INTERVAL_S = 0.001
GC_YOUNG_THRESHOLD = 50_000


def _lifespan(container: Container) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """Every resource opened and closed by the wiring, plus the API's own queue-metrics refresher."""
    settings = container.settings()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with running(container):
            queue_metrics = container.renders.queue_metrics()
            install_queue_metrics(queue_metrics)
            metrics_refresher = asyncio.create_task(queue_metrics.refresh_forever(), name="queue-metrics")
            log.info("api.started", host=settings.http_host, port=settings.http_port)
            # Everything built so far lives as long as the process: out of the collector's sight, a full
            # collection no longer walks ~135 000 startup objects (it stalled the loop 130-590 ms while
            # ten 5 000-change sync pushes ran). A request that makes tens of thousands of objects then
            # triggers a young collection every 50 000 allocations, not every 700 (probes' p99 during
            # those pushes: 74 -> 27 ms, bench/RESULTS.md).
            gc.freeze()
            gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 100)
            sys.setswitchinterval(SWITCH_INTERVAL_S)
            try:
                yield
            finally:
                metrics_refresher.cancel()
                await asyncio.wait([metrics_refresher], timeout=2)  # never hold up the shutdown
        log.info("api.stopped")

    return lifespan


def _middleware(container: Container) -> list[Any]:
    settings = container.settings()
    prometheus = PrometheusConfig(app_name="subdub", prefix="subdub", group_path=True, exclude=["/metrics"])
    return [
        RequestIdMiddleware,
        prometheus.middleware,
        DefineMiddleware(
            IdempotencyMiddleware,
            keys=container.core.idempotency_keys(),
            authenticate=container.identity.authenticate(),
            max_body_bytes=settings.max_upload_bytes,
            count_request=replay_counter(
                container.core.rate_limiter(),
                per_minute=settings.rate_limit_per_minute,
                auth_per_minute=settings.auth_rate_limit_per_minute,
            ),
        ),
    ]


def create_app(container: Container, *, extra_route_handlers: Sequence[ControllerRouterHandler] = ()) -> Litestar:
    """`extra_route_handlers` lets tests mount probe routes on the real app (same middleware and error table)."""
    settings = container.settings()
    app = Litestar(
        route_handlers=[*api_routes(settings), *extra_route_handlers],
        dependencies=dependencies(container),
        state=State({"container": container, ERROR_LOG_STATE: unhandled_error_log()}),
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[echo_request_id, add_security_headers],
        middleware=_middleware(container),
        plugins=[OpenTelemetryPlugin(OpenTelemetryConfig())],
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins)) if settings.cors_origins else None,
        openapi_config=OpenAPIConfig(
            title="subdub",
            version="1.0.0",
            description="Turn subtitle tracks into time-synchronised voice-over audio.",
            path="/schema",
            render_plugins=[RefinedJsonRenderPlugin(), SwaggerRenderPlugin(path="/")],
        ),
        request_max_body_size=settings.max_json_body_bytes,
        request_class=SubdubRequest,
        stores={"rate_limit": container.core.store()},
        lifespan=[_lifespan(container)],
        logging_config=None,
        debug=False,
    )
    document_problem_responses(app)
    app.before_send.append(allow_header_fixer(app))
    return app
