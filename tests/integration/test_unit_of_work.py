from __future__ import annotations

import asyncio

import pytest
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.retry import run_with_retries
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from application.errors import Conflict, TransientFailure


@pytest.fixture
async def counter_table(pool: AsyncConnectionPool):  # type: ignore[no-untyped-def]
    async with pool.connection() as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS test_counter (id int PRIMARY KEY, n int NOT NULL)")
        await conn.execute("INSERT INTO test_counter VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET n = 0")
    yield
    async with pool.connection() as conn:
        await conn.execute("DROP TABLE IF EXISTS test_counter")


async def read_counter(pool: AsyncConnectionPool) -> int:
    async with pool.connection() as conn:
        row = await (await conn.execute("SELECT n FROM test_counter WHERE id = 1")).fetchone()
    assert row is not None
    return int(row[0])


class IncrementSerializably:
    """Read-modify-write under SERIALIZABLE, paused in the middle so two runs collide."""

    def __init__(self, pool: AsyncConnectionPool, both_read: asyncio.Barrier) -> None:
        self._pool = pool
        self._both_read = both_read
        self.attempts = 0

    async def execute(self) -> None:
        self.attempts += 1
        async with PostgresUnitOfWork(self._pool) as uow:
            await uow.connection.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")
            row = await (await uow.connection.execute("SELECT n FROM test_counter WHERE id = 1")).fetchone()
            if self.attempts == 1:
                await self._both_read.wait()
            await uow.connection.execute("UPDATE test_counter SET n = %s WHERE id = 1", (row[0] + 1,))
            await uow.commit()


# covers: S-DB-6
async def test_serialization_failures_are_retried_until_both_writes_land(
    pool: AsyncConnectionPool, counter_table: None
) -> None:
    barrier = asyncio.Barrier(2)
    first, second = IncrementSerializably(pool, barrier), IncrementSerializably(pool, barrier)
    await asyncio.gather(run_with_retries(first.execute), run_with_retries(second.execute))
    assert await read_counter(pool) == 2
    assert first.attempts + second.attempts == 3  # exactly one collided and ran again


async def test_without_retry_the_collision_surfaces_as_a_transient_failure(
    pool: AsyncConnectionPool, counter_table: None
) -> None:
    barrier = asyncio.Barrier(2)
    results = await asyncio.gather(
        IncrementSerializably(pool, barrier).execute(),
        IncrementSerializably(pool, barrier).execute(),
        return_exceptions=True,
    )
    assert sum(isinstance(r, TransientFailure) for r in results) == 1
    assert await read_counter(pool) == 1


# covers: S-DB-6
async def test_leaving_without_commit_rolls_back(pool: AsyncConnectionPool, counter_table: None) -> None:
    async with PostgresUnitOfWork(pool) as uow:
        await uow.connection.execute("UPDATE test_counter SET n = 99 WHERE id = 1")
    assert await read_counter(pool) == 0

    async def fails_half_way() -> None:
        async with PostgresUnitOfWork(pool) as uow:
            await uow.connection.execute("UPDATE test_counter SET n = 7 WHERE id = 1")
            raise RuntimeError("use case failed half-way")

    with pytest.raises(RuntimeError):
        await fails_half_way()
    assert await read_counter(pool) == 0


async def test_unique_violation_becomes_a_conflict(pool: AsyncConnectionPool, counter_table: None) -> None:
    with pytest.raises(Conflict):
        async with PostgresUnitOfWork(pool) as uow:
            await uow.connection.execute("INSERT INTO test_counter VALUES (1, 5)")
    assert await read_counter(pool) == 0


async def test_a_unit_of_work_is_one_transaction_at_a_time_and_fresh_on_each_entry(pool: AsyncConnectionPool) -> None:
    uow = PostgresUnitOfWork(pool)
    async with uow:
        with pytest.raises(RuntimeError, match="one per transaction"):
            await uow.__aenter__()
    async with uow:  # the same instance, entered again after leaving: a new transaction
        assert (await (await uow.connection.execute("SELECT 1")).fetchone()) == (1,)
