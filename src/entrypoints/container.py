"""The composition root: the only place that constructs adapters (dependency-injector)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from dependency_injector import containers, providers

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from adapters.cache.auth_states import CachedAuthStates
from adapters.cache.blob_clip_cache import CLIP_PREFIX
from adapters.cache.fs_clip_pruner import FsClipCachePruner
from adapters.cache.packed_clip_cache import PackedClipCache
from adapters.cache.rate_limit import make_rate_limiter
from adapters.cache.stores import make_redis_client, make_store
from adapters.media.pyav_deliverer import PyAvMediaDeliverer
from adapters.media.pyav_probe import PyAvMediaProbe
from adapters.postgres.blob_purge import PostgresDeletedProjectBlobs
from adapters.postgres.idempotency import PostgresIdempotencyKeys
from adapters.postgres.pool import PostgresHealthProbe, make_pool
from adapters.postgres.render_events import PostgresRenderEvents
from adapters.postgres.renders_uow import PostgresRendersUnitOfWork
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.queue.metrics import QueueMetrics
from adapters.queue.procrastinate_app import ProcrastinateHealthProbe, make_queue_app
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.tokens import HmacPseudonymizer, JwtAccessTokens, RandomOpaqueTokens
from adapters.storage.fs_blob_store import FsBlobStore
from adapters.storage.health import BlobStoreHealthProbe
from adapters.subtitles.codec import IsolatedSubtitleCodec
from adapters.subtitles.render_input import CodecSubtitleFileReader
from adapters.system import SystemClock, Uuid7Generator
from adapters.text.lexicon_matcher import lexicon_matcher
from adapters.tts.espeak import EspeakSpeechSynthesizer
from adapters.tts.hibari import HibariSpeechSynthesizer
from application.ports.speech import SpeechSynthesizer
from application.use_cases.catalogue.fill_project_video import FillProjectVideo
from application.use_cases.catalogue.import_track import ImportSubtitleTrack
from application.use_cases.catalogue.list_voices import ListVoices
from application.use_cases.catalogue.lookup_video import LookupVideo
from application.use_cases.catalogue.refresh_pending_videos import RefreshPendingVideos
from application.use_cases.catalogue.request_track_import import RequestTrackImport
from application.use_cases.catalogue.search_subtitles import SearchSubtitles
from application.use_cases.catalogue.voice_sample import GetVoiceSample
from application.use_cases.check_readiness import CheckReadiness
from application.use_cases.identity.admin import ChangeUserRole, ListAuditLogs, ListUsers
from application.use_cases.identity.authenticate import Authenticate
from application.use_cases.identity.create_admin import CreateAdmin
from application.use_cases.identity.data_rights import EraseMyAccount, ExportMyData
from application.use_cases.identity.login import LogIn, LoginPolicy
from application.use_cases.identity.logout import LogOut
from application.use_cases.identity.profile import GetCurrentUser
from application.use_cases.identity.refresh import RefreshSession
from application.use_cases.identity.register import RegisterUser
from application.use_cases.identity.sessions import SessionIssuer
from application.use_cases.prune_clip_cache import PruneClipCache
from application.use_cases.purge_project_blobs import PurgeProjectBlobs
from application.use_cases.render_voice_over import RenderVoiceOver
from application.use_cases.renders.admin_jobs import ListJobs, RetryJob
from application.use_cases.renders.cancel_render import CancelRender
from application.use_cases.renders.execute_render import ExecuteRender
from application.use_cases.renders.fit_check import FitCheck, FitForecaster
from application.use_cases.renders.preview_cue import PreviewCue, PreviewLimits
from application.use_cases.renders.read_renders import (
    GetRender,
    GetRenderAudio,
    GetRenderReport,
    GetRenderSubtitles,
    ListTrackRenders,
)
from application.use_cases.renders.request_render import RequestRender
from application.use_cases.renders.watch_render import WatchRender
from application.use_cases.subtitles.data_rights import ProjectsDataContributor
from entrypoints.problems import problem_of
from entrypoints.provider_wiring import build_external_providers
from entrypoints.settings import Settings
from entrypoints.storage_wiring import blob_location, local_blobs_dir, make_blob_store, make_clip_store
from entrypoints.subtitles_container import SubtitlesContainer

TASK_MODULES: tuple[str, ...] = ("entrypoints.worker.tasks",)


def _clips_dir(settings: Settings) -> Path:
    return local_blobs_dir(settings) / CLIP_PREFIX


def _previews_dir(settings: Settings) -> Path:
    return local_blobs_dir(settings) / "previews"


def _clip_budget_bytes(settings: Settings) -> int:
    return settings.clip_cache_mb * 1024 * 1024


def _speech_engines(*engines: SpeechSynthesizer | None) -> dict[str, SpeechSynthesizer]:
    """Every configured engine by name (the cloud ones only when they have credentials)."""
    return {engine.engine: engine for engine in engines if engine is not None}


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    database_url = providers.Dependency(instance_of=str)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(Uuid7Generator)
    blob_store = providers.Singleton(make_blob_store, settings)  # SUBDUB_BLOB_URL: a directory or a bucket

    pool = providers.Singleton(
        make_pool,
        database_url,
        min_size=settings.provided.database_pool_min,
        max_size=settings.provided.database_pool_max,
    )
    unit_of_work = providers.Factory(PostgresUnitOfWork, pool=pool, ids=ids)
    queue_app = providers.Singleton(make_queue_app, task_modules=TASK_MODULES)

    # External providers (OpenSubtitles, Dailymotion, Google Cloud TTS); a None member is disabled.
    external = providers.Singleton(build_external_providers, settings)
    subtitle_catalog = providers.Callable(lambda external: external.opensubtitles, external)
    video_catalog = providers.Callable(lambda external: external.dailymotion, external)
    google_speech = providers.Callable(lambda external: external.google_tts, external)
    openai_speech = providers.Callable(lambda external: external.openai_tts, external)
    provider_probes = providers.Callable(lambda external: external.health_probes(), external)
    search_subtitles = providers.Factory(SearchSubtitles, subtitle_catalog)
    lookup_video = providers.Factory(LookupVideo, video_catalog)
    refresh_pending_videos = providers.Factory(RefreshPendingVideos, unit_of_work, video_catalog, clock)
    fill_project_video = providers.Factory(FillProjectVideo, unit_of_work, video_catalog, clock)

    health_probes = providers.Callable(
        lambda core, external: [*core, *external],
        providers.List(
            providers.Singleton(PostgresHealthProbe, pool=pool),
            providers.Singleton(
                ProcrastinateHealthProbe, pool=pool, heartbeat_stale_s=settings.provided.job_stalled_after_s
            ),
            providers.Singleton(BlobStoreHealthProbe, blob_store, providers.Callable(blob_location, settings)),
        ),
        provider_probes,
    )
    check_readiness = providers.Factory(CheckReadiness, probes=health_probes)

    # Shared key-value store (Litestar's): Redis when REDIS_URL is set, in-process otherwise.
    redis_client = providers.Singleton(make_redis_client, settings.provided.redis_url)
    store = providers.Singleton(make_store, redis_client)
    rate_limiter = providers.Singleton(make_rate_limiter, redis_client, store)

    # Identity.
    password_hasher = providers.Singleton(
        Argon2PasswordHasher,
        time_cost=settings.provided.argon2_time_cost,
        memory_kib=settings.provided.argon2_memory_kib,
        parallelism=settings.provided.argon2_parallelism,
    )
    access_tokens = providers.Singleton(
        JwtAccessTokens,
        settings.provided.jwt_secret,
        clock,
        ids,
        ttl=providers.Factory(timedelta, seconds=settings.provided.access_token_ttl_s),
    )
    opaque_tokens = providers.Singleton(RandomOpaqueTokens)
    pseudonymizer = providers.Singleton(HmacPseudonymizer, settings.provided.jwt_secret)
    auth_states = providers.Singleton(
        CachedAuthStates,
        pool,
        store,
        ttl_s=settings.provided.auth_cache_s,
        revoked_window_s=settings.provided.access_token_ttl_s,
    )
    session_issuer = providers.Singleton(
        SessionIssuer,
        access_tokens,
        opaque_tokens,
        ids,
        clock,
        refresh_ttl=providers.Factory(timedelta, days=settings.provided.refresh_token_ttl_days),
    )
    login_policy = providers.Singleton(
        LoginPolicy,
        max_failures=settings.provided.login_max_failures,
        failure_window=providers.Factory(timedelta, seconds=settings.provided.login_failure_window_s),
    )
    idempotency_keys = providers.Singleton(PostgresIdempotencyKeys, pool, ids)
    authenticate = providers.Singleton(Authenticate, access_tokens, auth_states)
    register_user = providers.Factory(RegisterUser, unit_of_work, password_hasher, ids, clock)
    log_in = providers.Factory(LogIn, unit_of_work, password_hasher, session_issuer, rate_limiter, clock, login_policy)
    refresh_session = providers.Factory(RefreshSession, unit_of_work, opaque_tokens, session_issuer, clock, auth_states)
    log_out = providers.Factory(LogOut, unit_of_work, opaque_tokens, clock, auth_states)
    get_current_user = providers.Factory(GetCurrentUser, unit_of_work)
    list_users = providers.Factory(ListUsers, unit_of_work)
    change_user_role = providers.Factory(ChangeUserRole, unit_of_work, auth_states, clock)
    list_audit_logs = providers.Factory(ListAuditLogs, unit_of_work)
    create_admin = providers.Factory(CreateAdmin, unit_of_work, register_user, auth_states, clock)
    # Right to be forgotten: each area that stores user data adds its DataContributor here (S-SEC-9).
    data_contributors = providers.List(providers.Singleton(ProjectsDataContributor))
    export_my_data = providers.Factory(ExportMyData, unit_of_work, data_contributors, clock)
    erase_my_account = providers.Factory(
        EraseMyAccount, unit_of_work, data_contributors, pseudonymizer, auth_states, clock
    )

    # Voice rendering: no database involved (`subdub render` builds only these).
    file_store = providers.Factory(FsBlobStore)  # a store rooted anywhere (the CLI writes next to its output)
    # The clip cache: in the blob directory, or shared through the bucket with a local read-through copy.
    clip_cache = providers.Singleton(
        PackedClipCache, providers.Singleton(make_clip_store, settings), prefix=CLIP_PREFIX
    )
    prune_clip_cache = providers.Factory(
        PruneClipCache,
        providers.Singleton(FsClipCachePruner, providers.Callable(_clips_dir, settings)),
        providers.Callable(_clip_budget_bytes, settings),
    )
    espeak_synthesizer = providers.Singleton(EspeakSpeechSynthesizer)  # a process pool sized to the cores
    hibari_synthesizer = providers.Singleton(HibariSpeechSynthesizer)  # the neural voice; its pool starts on demand
    speech_synthesizers = providers.Callable(
        _speech_engines, espeak_synthesizer, hibari_synthesizer, google_speech, openai_speech
    )
    list_voices = providers.Factory(ListVoices, speech_synthesizers)
    clip_processor = providers.Singleton(NumpyClipProcessor)
    get_voice_sample = providers.Factory(GetVoiceSample, speech_synthesizers, clip_cache, clip_processor)
    track_mixer = providers.Singleton(StreamingTrackMixer)
    media_probe = providers.Singleton(PyAvMediaProbe)
    media_deliverer = providers.Singleton(PyAvMediaDeliverer)
    render_voice_over = providers.Factory(
        RenderVoiceOver,
        synthesizers=speech_synthesizers,
        clip_cache=clip_cache,
        processor=clip_processor,
        mixer=track_mixer,
        output_store=blob_store,
        lexicon_matcher=providers.Object(lexicon_matcher),
        deliverer=media_deliverer,
    )
    # One reader pool per process: files are read in child processes within a wall-clock limit.
    subtitle_codec = providers.Singleton(IsolatedSubtitleCodec, time_limit_s=settings.provided.subtitle_read_seconds)
    subtitle_file_reader = providers.Singleton(CodecSubtitleFileReader, codec=subtitle_codec)

    # Subtitles: projects, members, tracks, cues, sync.
    renders_uow = providers.Factory(PostgresRendersUnitOfWork, pool=pool, queue_app=queue_app)
    subtitles = providers.Container(
        SubtitlesContainer,
        unit_of_work=unit_of_work,
        queued_unit_of_work=renders_uow,
        clock=clock,
        ids=ids,
        video_catalog=video_catalog,
        synthesizers=speech_synthesizers,
        codec=subtitle_codec,
        blob_store=blob_store,
        media_probe=media_probe,
        max_media_bytes=settings.provided.max_media_bytes,
    )
    # Render jobs: requests, the worker side, watching, downloading, administration.
    render_events = providers.Singleton(PostgresRenderEvents, database_url)
    queue_metrics = providers.Singleton(QueueMetrics, pool=pool)
    request_render = providers.Factory(
        RequestRender,
        uow=renders_uow.provider,
        synthesizers=speech_synthesizers,
        clock=clock,
        ids=ids,
        lexicon_matcher=providers.Object(lexicon_matcher),
    )
    fit_forecaster = providers.Factory(
        FitForecaster,
        synthesizers=speech_synthesizers,
        cache=clip_cache,
        lexicon_matcher=providers.Object(lexicon_matcher),
    )
    fit_check = providers.Factory(FitCheck, uow=renders_uow.provider, forecaster=fit_forecaster)
    # One-cue previews: rendered in the API process (its engine pool serves nobody else), a few at a time.
    preview_scratch = providers.Singleton(FsBlobStore, root=providers.Callable(_previews_dir, settings), durable=False)
    preview_cue = providers.Factory(
        PreviewCue,
        uow=renders_uow.provider,
        renderer=providers.Factory(
            RenderVoiceOver,
            synthesizers=speech_synthesizers,
            clip_cache=clip_cache,
            processor=clip_processor,
            mixer=track_mixer,
            output_store=preview_scratch,
            lexicon_matcher=providers.Object(lexicon_matcher),
        ),
        scratch=preview_scratch,
        rate_limiter=rate_limiter,
        limits=providers.Object(PreviewLimits()),
        slots=providers.Singleton(asyncio.Semaphore, PreviewLimits().at_once),
    )
    execute_render = providers.Factory(
        ExecuteRender,
        uow=renders_uow.provider,
        renderer=render_voice_over,
        artifacts=blob_store,
        clock=clock,
        problem_of=providers.Object(problem_of),
        heartbeat_s=settings.provided.render_heartbeat_s,
    )
    get_render = providers.Factory(GetRender, uow=renders_uow.provider)
    get_render_audio = providers.Factory(GetRenderAudio, uow=renders_uow.provider, artifacts=blob_store)
    get_render_subtitles = providers.Factory(GetRenderSubtitles, uow=renders_uow.provider, codec=subtitle_codec)
    get_render_report = providers.Factory(GetRenderReport, uow=renders_uow.provider)
    purge_project_blobs = providers.Factory(
        PurgeProjectBlobs, providers.Singleton(PostgresDeletedProjectBlobs, pool), blob_store, clock
    )
    list_track_renders = providers.Factory(ListTrackRenders, uow=renders_uow.provider)
    cancel_render = providers.Factory(CancelRender, uow=renders_uow.provider, clock=clock)
    watch_render = providers.Factory(WatchRender, uow=renders_uow.provider, events=render_events)
    list_jobs = providers.Factory(ListJobs, uow=renders_uow.provider)
    retry_job = providers.Factory(RetryJob, uow=renders_uow.provider, clock=clock)
    # Track imports: requested over HTTP (queued with the audit entry), run by the worker.
    request_track_import = providers.Factory(RequestTrackImport, uow=renders_uow.provider, catalog=subtitle_catalog)
    import_subtitle_track = providers.Factory(
        ImportSubtitleTrack, unit_of_work, clock, ids, subtitle_codec, subtitle_catalog
    )


def close_engines(container: Container) -> None:
    """Stops the process pools of the offline engines (those that were started)."""
    container.espeak_synthesizer().close()
    container.hibari_synthesizer().close()


def build_container(settings: Settings, database_url: str) -> Container:
    container = Container(settings=settings, database_url=database_url)
    return container
