"""Render jobs: requests, the worker side, watching, downloading, administration."""

from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from adapters.postgres.blob_purge import PostgresDeletedProjectBlobs
from adapters.postgres.render_events import PostgresRenderEvents
from adapters.queue.metrics import QueueMetrics
from application.use_cases.purge_project_blobs import PurgeProjectBlobs
from application.use_cases.renders.admin_jobs import ListJobs, RetryJob
from application.use_cases.renders.cancel_render import CancelRender
from application.use_cases.renders.execute_render import ExecuteRender
from application.use_cases.renders.read_renders import GetRender, GetRenderAudio, GetRenderReport, ListTrackRenders
from application.use_cases.renders.request_render import RequestRender
from application.use_cases.renders.watch_render import WatchRender
from entrypoints.problems import problem_of
from entrypoints.wiring.resources import Closes, closed_at_exit
from entrypoints.wiring.use_case import UseCase, WriteUseCase


class RendersContainer(containers.DeclarativeContainer):
    core: providers.DependenciesContainer = providers.DependenciesContainer()
    voice: providers.DependenciesContainer = providers.DependenciesContainer()
    uow: Any = core.queued_unit_of_work.provider
    clock: Any = core.clock

    render_events = providers.Singleton(PostgresRenderEvents, core.database_url)
    render_events_closed = Closes(closed_at_exit, render_events)
    queue_metrics = providers.Singleton(QueueMetrics, pool=core.pool)
    request_render = WriteUseCase(
        RequestRender, uow=uow, synthesizers=voice.speech_synthesizers, clock=clock, ids=core.ids
    )
    # Not a WriteUseCase: a run writes its own steps durably (and must not start twice).
    execute_render = UseCase(
        ExecuteRender,
        uow=uow,
        renderer=voice.render_voice_over,
        artifacts=voice.blob_store,
        clock=clock,
        problem_of=providers.Object(problem_of),
        heartbeat_s=core.settings.provided.render_heartbeat_s,
    )
    get_render = UseCase(GetRender, uow=uow)
    get_render_audio = UseCase(GetRenderAudio, uow=uow, artifacts=voice.blob_store)
    purge_project_blobs = UseCase(
        PurgeProjectBlobs, providers.Singleton(PostgresDeletedProjectBlobs, core.pool), voice.blob_store, clock
    )
    list_track_renders = UseCase(ListTrackRenders, uow=uow)
    get_render_report = UseCase(GetRenderReport, uow=uow)
    cancel_render = WriteUseCase(CancelRender, uow=uow, clock=clock)
    watch_render = UseCase(WatchRender, uow=uow, events=render_events)
    list_jobs = UseCase(ListJobs, uow=uow)
    retry_job = WriteUseCase(RetryJob, uow=uow, clock=clock)
