"""The Litestar application factory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import structlog
from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.types import ControllerRouterHandler

from adapters.queue.metrics import install as install_queue_metrics
from entrypoints.container import Container
from entrypoints.http.allow import allow_header_fixer
from entrypoints.http.auth import replay_counter
from entrypoints.http.context import RequestIdMiddleware, echo_request_id
from entrypoints.http.controllers.admin import AdminController
from entrypoints.http.controllers.admin_jobs import AdminJobsController
from entrypoints.http.controllers.catalogue import CatalogueController
from entrypoints.http.controllers.fit_check import TrackFitCheckController
from entrypoints.http.controllers.health import HealthController
from entrypoints.http.controllers.identity import AuthController, MeController
from entrypoints.http.controllers.lexicon import LexiconController
from entrypoints.http.controllers.media import media_routes
from entrypoints.http.controllers.preview import CuePreviewController
from entrypoints.http.controllers.renders import RendersController, TrackRendersController
from entrypoints.http.controllers.subtitles_routes import subtitles_routes
from entrypoints.http.controllers.track_imports import TrackImportsController
from entrypoints.http.dependencies import dependencies
from entrypoints.http.errors import ERROR_LOG_STATE, EXCEPTION_HANDLERS, document_problem_responses, unhandled_error_log
from entrypoints.http.idempotency import IdempotencyMiddleware
from entrypoints.http.openapi import RefinedJsonRenderPlugin
from entrypoints.http.requests import SubdubRequest
from entrypoints.http.security import add_security_headers
from entrypoints.http.studio import studio_routes

log = structlog.get_logger(__name__)


class MetricsController(PrometheusController):
    path = "/metrics"
    include_in_schema = False


def create_app(container: Container, *, extra_route_handlers: Sequence[ControllerRouterHandler] = ()) -> Litestar:
    """`extra_route_handlers` lets tests mount probe routes on the real app (same middleware and error table)."""
    settings = container.settings()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        pool = container.pool()
        await pool.open(wait=False)
        queue_app = container.queue_app()
        await queue_app.open_async(pool)
        queue_metrics = container.queue_metrics()
        install_queue_metrics(queue_metrics)
        metrics_refresher = asyncio.create_task(queue_metrics.refresh_forever(), name="queue-metrics")
        log.info("api.started", host=settings.http_host, port=settings.http_port)
        try:
            yield
        finally:
            metrics_refresher.cancel()
            await asyncio.wait([metrics_refresher], timeout=2)  # never hold up the shutdown
            await container.render_events().close()
            await queue_app.close_async()
            await container.external().aclose()
            await pool.close()
            redis = container.redis_client()
            if redis is not None:
                await redis.aclose()
            log.info("api.stopped")

    prometheus = PrometheusConfig(
        app_name="subdub",
        prefix="subdub",
        group_path=True,
        exclude=["/metrics"],
    )
    app = Litestar(
        route_handlers=[
            HealthController,
            MetricsController,
            AuthController,
            MeController,
            AdminController,
            *subtitles_routes(settings),
            media_routes(settings),
            CatalogueController,
            TrackImportsController,
            TrackRendersController,
            TrackFitCheckController,
            CuePreviewController,
            LexiconController,
            RendersController,
            AdminJobsController,
            *studio_routes(),
            *extra_route_handlers,
        ],
        dependencies=dependencies(container),
        state=State({"container": container, ERROR_LOG_STATE: unhandled_error_log()}),
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[echo_request_id, add_security_headers],
        middleware=[
            RequestIdMiddleware,
            prometheus.middleware,
            DefineMiddleware(
                IdempotencyMiddleware,
                keys=container.idempotency_keys(),
                authenticate=container.authenticate(),
                max_body_bytes=settings.max_upload_bytes,
                count_request=replay_counter(
                    container.rate_limiter(),
                    per_minute=settings.rate_limit_per_minute,
                    auth_per_minute=settings.auth_rate_limit_per_minute,
                ),
            ),
        ],
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
        stores={"rate_limit": container.store()},
        lifespan=[lifespan],
        logging_config=None,
        debug=False,
    )
    document_problem_responses(app)
    app.before_send.append(allow_header_fixer(app))
    return app
