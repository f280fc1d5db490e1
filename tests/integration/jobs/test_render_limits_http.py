"""A user's renders waiting in the queue are limited (SUBDUB_RENDERS_QUEUED_PER_USER): one more request
answers 429 `render_queue_full` with Retry-After, and concurrent requests cannot both take the last place."""

from __future__ import annotations

import asyncio
from pathlib import Path

import psycopg
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.queued_unit_of_work import PostgresQueuedUnitOfWork
from adapters.queue.procrastinate_app import make_queue_app
from tests.support.app import api_client
from tests.support.jobs import queue_render, render_cues
from tests.support.subtitles import team

ESPEAK = {"voice": {"engine": "espeak", "name": "en-us"}, "format": "wav"}


def queued_renders(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM renders WHERE status = 'queued'").fetchone()
    return int(row[0]) if row else 0


# covers: S-API-4
async def test_a_full_queue_answers_429_and_concurrent_requests_cannot_overfill_it(
    clean_database: str, tmp_path: Path
) -> None:
    async with api_client(clean_database, tmp_path, SUBDUB_RENDERS_QUEUED_PER_USER="3") as client:
        crew = await team(client)
        url = f"/api/v1/tracks/{crew.track['id']}/renders"
        # eight requests at once, as one user: exactly three are queued, the others are refused
        answers = await asyncio.gather(*(client.post(url, json=ESPEAK, headers=crew.as_("editor")) for _ in range(8)))
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [202] * 3 + [429] * 5, [a.text for a in answers]
        refused = next(answer for answer in answers if answer.status_code == 429)
        assert refused.json()["code"] == "render_queue_full"
        assert int(refused.headers["retry-after"]) > 0
        assert queued_renders(clean_database) == 3

        # another user of the same project has a queue of their own
        other = await client.post(url, json=ESPEAK, headers=crew.as_("owner"))
        assert other.status_code == 202, other.text

        # a cancelled render leaves the queue: its place is free again
        queued = next(answer.json()["data"]["id"] for answer in answers if answer.status_code == 202)
        cancelled = await client.post(f"/api/v1/renders/{queued}/cancel", headers=crew.as_("editor"))
        assert cancelled.status_code == 202 and cancelled.json()["data"]["status"] == "cancelled"
        again = await client.post(url, json=ESPEAK, headers=crew.as_("editor"))
        assert again.status_code == 202, again.text


async def test_a_second_request_of_the_same_user_waits_for_the_first_to_commit(job_pool: AsyncConnectionPool) -> None:
    """The count is taken under a per-user lock held until commit: the second transaction counts the
    first one's render, never the number from before it."""
    first = await queue_render(job_pool, render_cues(1))
    user = first.requested_by
    queue_app = make_queue_app()
    async with PostgresQueuedUnitOfWork(job_pool, queue_app) as holder:
        assert await holder.renders.lock_and_count_queued(user) == 1

        async def count_in_another_transaction() -> int:
            async with PostgresQueuedUnitOfWork(job_pool, queue_app) as other:
                return await other.renders.lock_and_count_queued(user)

        waiting = asyncio.create_task(count_in_another_transaction())
        await asyncio.sleep(0.5)
        assert not waiting.done()  # held by the first transaction
        await holder.connection.execute("UPDATE renders SET status = 'cancelled' WHERE id = %s", (first.id,))
        await holder.commit()
    assert await asyncio.wait_for(waiting, 10) == 0  # it saw the first transaction's outcome
    stranger = await queue_render(job_pool, render_cues(1))
    async with PostgresQueuedUnitOfWork(job_pool, queue_app) as third:  # another user is never held
        assert await asyncio.wait_for(third.renders.lock_and_count_queued(stranger.requested_by), 2) == 1
