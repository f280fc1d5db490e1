"""Render jobs: requests, the worker side, watching, downloading, administration."""

from __future__ import annotations

import asyncio
from typing import Any

from dependency_injector import containers, providers

from adapters.postgres.blob_purge import PostgresDeletedProjectBlobs
from adapters.postgres.render_events import PostgresRenderEvents
from adapters.queue.metrics import QueueMetrics
from adapters.text.lexicon_matcher import lexicon_matcher
from application.audio_pipeline.voice_over import RenderVoiceOver
from application.use_cases.purge_project_blobs import PurgeProjectBlobs
from application.use_cases.renders.admin_jobs import ListJobs, RetryJob
from application.use_cases.renders.cancel_render import CancelRender
from application.use_cases.renders.execute_render import ExecuteRender
from application.use_cases.renders.fit_check import FitCheck, FitForecaster
from application.use_cases.renders.playback import IssuePlaybackToken
from application.use_cases.renders.preview_cue import PreviewCue, PreviewLimits
from application.use_cases.renders.read_renders import (
    GetRender,
    GetRenderAudio,
    GetRenderReport,
    GetRenderSubtitles,
    ListTrackRenders,
)
from application.use_cases.renders.render_run import BeatRenderRun, FinishRenderRun, StartRenderRun
from application.use_cases.renders.request_render import RequestRender
from application.use_cases.renders.watch_render import WatchRender
from entrypoints.problems import problem_of
from entrypoints.wiring.resources import Closes, closed_at_exit
from entrypoints.wiring.storage import make_preview_scratch
from entrypoints.wiring.use_case import DurableWriteUseCase, UseCase, WriteUseCase


class RendersContainer(containers.DeclarativeContainer):
    core: providers.DependenciesContainer = providers.DependenciesContainer()
    voice: providers.DependenciesContainer = providers.DependenciesContainer()
    identity: providers.DependenciesContainer = providers.DependenciesContainer()
    uow: Any = core.queued_unit_of_work
    clock: Any = core.clock

    render_events = providers.Singleton(PostgresRenderEvents, core.database_url)
    render_events_closed = Closes(closed_at_exit, render_events)
    # cancel requests only: what the worker running a render listens for
    cancel_requests = providers.Singleton(PostgresRenderEvents.cancel_requests, core.database_url)
    cancel_requests_closed = Closes(closed_at_exit, cancel_requests)
    queue_metrics = providers.Singleton(QueueMetrics, pool=core.pool)
    request_render = WriteUseCase(
        RequestRender,
        uow=uow,
        synthesizers=voice.speech_synthesizers,
        clock=clock,
        ids=core.ids,
        lexicon_matcher=providers.Object(lexicon_matcher),
        queued_per_user=core.settings.provided.renders_queued_per_user,
    )
    fit_forecaster = providers.Factory(
        FitForecaster,
        synthesizers=voice.speech_synthesizers,
        cache=voice.clip_cache,
        lexicon_matcher=providers.Object(lexicon_matcher),
    )
    fit_check = UseCase(FitCheck, uow=uow, forecaster=fit_forecaster)
    # One-cue previews: rendered in the API process (its engine pool serves nobody else), a few at a time.
    preview_scratch = providers.Singleton(make_preview_scratch, core.settings)
    preview_cue = UseCase(
        PreviewCue,
        uow=uow,
        renderer=providers.Factory(
            RenderVoiceOver,
            synthesizers=voice.speech_synthesizers,
            clip_cache=voice.clip_cache,
            processor=voice.clip_processor,
            mixer=voice.track_mixer,
            output_store=preview_scratch,
            lexicon_matcher=providers.Object(lexicon_matcher),
        ),
        scratch=preview_scratch,
        rate_limiter=core.rate_limiter,
        limits=providers.Object(PreviewLimits()),
        slots=providers.Singleton(asyncio.Semaphore, PreviewLimits().at_once),
    )
    get_render_subtitles = UseCase(GetRenderSubtitles, uow=uow, codec=core.subtitle_codec)
    # A run is not re-run as a whole (the engine work must not start twice): each bookkeeping step is.
    start_render_run = DurableWriteUseCase(StartRenderRun, uow=uow, artifacts=voice.blob_store, clock=clock)
    beat_render_run = WriteUseCase(BeatRenderRun, uow=uow, clock=clock)
    finish_render_run = DurableWriteUseCase(FinishRenderRun, uow=uow, clock=clock)
    execute_render = UseCase(
        ExecuteRender,
        start=start_render_run,
        beat=beat_render_run,
        finish=finish_render_run,
        renderer=voice.render_voice_over,
        artifacts=voice.blob_store,
        problem_of=providers.Object(problem_of),
        heartbeat_s=core.settings.provided.render_heartbeat_s,
        cancel_requests=cancel_requests,
    )
    get_render = UseCase(GetRender, uow=uow)
    get_render_audio = UseCase(GetRenderAudio, uow=uow, artifacts=voice.blob_store)
    issue_playback_token = UseCase(
        IssuePlaybackToken, get_render=get_render, tokens=identity.access_tokens, clock=clock
    )
    purge_project_blobs = UseCase(
        PurgeProjectBlobs, providers.Singleton(PostgresDeletedProjectBlobs, core.pool), voice.blob_store, clock
    )
    list_track_renders = UseCase(ListTrackRenders, uow=uow)
    get_render_report = UseCase(GetRenderReport, uow=uow)
    cancel_render = WriteUseCase(CancelRender, uow=uow, clock=clock)
    watch_render = UseCase(WatchRender, get_render=get_render, events=render_events)
    list_jobs = UseCase(ListJobs, uow=uow)
    retry_job = WriteUseCase(RetryJob, uow=uow, clock=clock)
