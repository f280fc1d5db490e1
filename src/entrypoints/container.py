"""The composition root: the only place that constructs adapters (dependency-injector)."""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.postgres.pool import PostgresHealthProbe, make_pool
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.queue.procrastinate_app import ProcrastinateHealthProbe, make_queue_app
from adapters.system import SystemClock, Uuid7Generator
from application.use_cases.check_readiness import CheckReadiness
from entrypoints.provider_wiring import build_external_providers
from entrypoints.settings import Settings

TASK_MODULES: tuple[str, ...] = ("entrypoints.worker.tasks",)


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    database_url = providers.Dependency(instance_of=str)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(Uuid7Generator)

    pool = providers.Singleton(
        make_pool,
        database_url,
        min_size=settings.provided.database_pool_min,
        max_size=settings.provided.database_pool_max,
    )
    unit_of_work = providers.Factory(PostgresUnitOfWork, pool=pool)
    queue_app = providers.Singleton(make_queue_app, task_modules=TASK_MODULES)

    # External providers (OpenSubtitles, Dailymotion, Google Cloud TTS); a None member is disabled.
    external = providers.Singleton(build_external_providers, settings)
    subtitle_catalog = providers.Callable(lambda external: external.opensubtitles, external)
    video_catalog = providers.Callable(lambda external: external.dailymotion, external)
    google_speech = providers.Callable(lambda external: external.google_tts, external)
    provider_probes = providers.Callable(lambda external: external.health_probes(), external)

    health_probes = providers.Callable(
        lambda core, external: [*core, *external],
        providers.List(
            providers.Singleton(PostgresHealthProbe, pool=pool),
            providers.Singleton(ProcrastinateHealthProbe, pool=pool),
        ),
        provider_probes,
    )
    check_readiness = providers.Factory(CheckReadiness, probes=health_probes)


def build_container(settings: Settings, database_url: str) -> Container:
    container = Container(settings=settings, database_url=database_url)
    return container
