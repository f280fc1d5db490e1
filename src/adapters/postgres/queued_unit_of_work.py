"""The unit of work of the renders area: renders, the tracks they read, and the job queue, on one transaction."""

from __future__ import annotations

from procrastinate import App
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.repositories.renders import PostgresRenderRepository, PostgresRenderTracks
from adapters.postgres.speaking_rates import PostgresSpeakingRates
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.queue.jobs import ProcrastinateJobQueue


class PostgresQueuedUnitOfWork(PostgresUnitOfWork):
    renders: PostgresRenderRepository
    track_source: PostgresRenderTracks
    jobs: ProcrastinateJobQueue
    speaking_rates: PostgresSpeakingRates

    def __init__(self, pool: AsyncConnectionPool, queue_app: App) -> None:
        super().__init__(pool)
        self._queue_app = queue_app

    def _on_enter(self) -> None:
        super()._on_enter()
        self.renders = PostgresRenderRepository(self.connection)
        self.track_source = PostgresRenderTracks(self.connection)
        self.jobs = ProcrastinateJobQueue(self._queue_app, self.connection)
        self.speaking_rates = PostgresSpeakingRates(self.connection)
