"""Every route of the API, in one list the app factory mounts."""

from __future__ import annotations

from litestar.plugins.prometheus import PrometheusController
from litestar.types import ControllerRouterHandler

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
from entrypoints.http.studio import studio_routes
from entrypoints.settings import Settings


class MetricsController(PrometheusController):
    path = "/metrics"
    include_in_schema = False


def api_routes(settings: Settings) -> list[ControllerRouterHandler]:
    return [
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
    ]
