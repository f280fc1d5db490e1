"""Catalogue: subtitle search and track imports (OpenSubtitles), video metadata (Dailymotion)."""

from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from application.use_cases.catalogue.fill_project_video import FillProjectVideo
from application.use_cases.catalogue.import_track import ImportSubtitleTrack
from application.use_cases.catalogue.lookup_video import LookupVideo
from application.use_cases.catalogue.refresh_pending_videos import RefreshPendingVideos
from application.use_cases.catalogue.request_track_import import RequestTrackImport
from application.use_cases.catalogue.search_subtitles import SearchSubtitles
from entrypoints.wiring.use_case import UseCase, WriteUseCase


class CatalogueContainer(containers.DeclarativeContainer):
    core: providers.DependenciesContainer = providers.DependenciesContainer()
    external: providers.DependenciesContainer = providers.DependenciesContainer()
    subtitle_catalog: Any = external.subtitle_catalog
    video_catalog: Any = external.video_catalog

    search_subtitles = UseCase(SearchSubtitles, subtitle_catalog)
    lookup_video = UseCase(LookupVideo, video_catalog)
    refresh_pending_videos = WriteUseCase(RefreshPendingVideos, core.unit_of_work, video_catalog, core.clock)
    fill_project_video = WriteUseCase(FillProjectVideo, core.unit_of_work, video_catalog, core.clock)
    # Requested over HTTP (queued with the audit entry), run by the worker.
    request_track_import = WriteUseCase(RequestTrackImport, uow=core.queued_unit_of_work, catalog=subtitle_catalog)
    import_subtitle_track = WriteUseCase(
        ImportSubtitleTrack,
        core.unit_of_work,
        core.clock,
        core.ids,
        core.subtitle_codec,
        subtitle_catalog,
    )
