"""What every area shares: settings, clock, ids, the database pool, units of work, the job queue and the store."""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.cache.rate_limit import make_rate_limiter
from adapters.cache.stores import make_redis_client, make_store
from adapters.postgres.idempotency import PostgresIdempotencyKeys
from adapters.postgres.pool import PostgresHealthProbe, make_pool
from adapters.postgres.queued_unit_of_work import PostgresQueuedUnitOfWork
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.queue.procrastinate_app import ProcrastinateHealthProbe, make_queue_app
from adapters.queue.retry import JobRetryPolicy
from adapters.subtitles.codec import IsolatedSubtitleCodec
from adapters.system import SystemClock, Uuid7Generator
from entrypoints.settings import Settings
from entrypoints.wiring.resources import Closes, Connects, closed_at_exit, opened_pool, opened_queue

TASK_MODULES: tuple[str, ...] = ("entrypoints.worker.tasks",)


class CoreContainer(containers.DeclarativeContainer):
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
    pool_opened = Connects(opened_pool, pool)
    job_retry_policy = providers.Singleton(
        JobRetryPolicy,
        max_attempts=settings.provided.job_max_attempts,
        base_s=settings.provided.job_retry_base_s,
        max_s=settings.provided.job_retry_max_s,
    )
    queue_app = providers.Singleton(make_queue_app, task_modules=TASK_MODULES, retry_policy=job_retry_policy)
    queue_opened = Connects(opened_queue, queue_app, pool_opened)
    unit_of_work = providers.Factory(PostgresUnitOfWork, pool=pool, ids=ids)
    # The same transaction with the job queue on it: a job exists if and only if its data does.
    queued_unit_of_work = providers.Factory(PostgresQueuedUnitOfWork, pool=pool, queue_app=queue_app)
    idempotency_keys = providers.Singleton(PostgresIdempotencyKeys, pool, ids)

    # Subtitle files are read in child processes within a wall-clock limit (one reader pool per process).
    subtitle_codec = providers.Singleton(IsolatedSubtitleCodec, time_limit_s=settings.provided.subtitle_read_seconds)
    subtitle_codec_closed = Closes(closed_at_exit, subtitle_codec)

    # Shared key-value store (Litestar's): Redis when REDIS_URL is set, in-process otherwise.
    redis_client = providers.Singleton(make_redis_client, settings.provided.redis_url)
    redis_closed = Closes(closed_at_exit, redis_client)
    store = providers.Singleton(make_store, redis_client)
    rate_limiter = providers.Singleton(make_rate_limiter, redis_client, store)

    health_probes = providers.List(
        providers.Singleton(PostgresHealthProbe, pool=pool),
        providers.Singleton(
            ProcrastinateHealthProbe, pool=pool, heartbeat_stale_s=settings.provided.job_stalled_after_s
        ),
    )
