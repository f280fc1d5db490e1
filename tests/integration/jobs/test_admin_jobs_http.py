"""GET /api/v1/admin/jobs and POST /api/v1/admin/jobs/{id}/retry over HTTP (admins only)."""

from __future__ import annotations

from pathlib import Path

from psycopg_pool import AsyncConnectionPool

from tests.support.app import api_client
from tests.support.identity import signed_in
from tests.support.jobs import job_row, queue_render, render_cues


async def dead_letter(pool: AsyncConnectionPool, job_id: int, error: str) -> None:
    """What a worker leaves behind for a job that failed for good."""
    async with pool.connection() as conn:
        await conn.execute("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = %s", (job_id,))
        await conn.execute("UPDATE procrastinate_jobs SET status = 'failed', attempts = 5 WHERE id = %s", (job_id,))
        await conn.execute("INSERT INTO job_errors (job_id, error) VALUES (%s, %s)", (job_id, error))
        await conn.execute("UPDATE renders SET status = 'failed' WHERE job_id = %s", (job_id,))


# covers: S-JOB-2, S-SEC-4
async def test_admins_list_dead_letters_and_requeue_them(
    job_pool: AsyncConnectionPool, clean_database: str, tmp_path: Path
) -> None:
    ok = await queue_render(job_pool, render_cues(1), trace_id="trace-ok")
    dead = await queue_render(job_pool, render_cues(1), trace_id="trace-dead")
    await dead_letter(job_pool, dead.job_id or 0, "SynthesisFailed: engine down")
    async with api_client(clean_database, tmp_path) as client:
        _, _, member = await signed_in(client)
        _, _, admin = await signed_in(client, admin=True, database_url=clean_database)
        # covers: S-SEC-4
        unknown = await client.get("/api/v1/admin/no-such-route", headers=member)
        hidden = await client.get("/api/v1/admin/jobs", headers=member)
        assert hidden.status_code == unknown.status_code == 404
        assert (await client.get("/api/v1/admin/jobs")).status_code == 401
        assert (await client.post(f"/api/v1/admin/jobs/{dead.job_id}/retry", headers=member)).status_code == 404

        failed = await client.get("/api/v1/admin/jobs", params={"status": "failed"}, headers=admin)
        assert failed.status_code == 200, failed.text
        (job,) = failed.json()["data"]
        assert job["id"] == dead.job_id and job["task"] == "subdub:render" and job["status"] == "failed"
        assert job["attempts"] == 5 and job["last_error"] == "SynthesisFailed: engine down"
        assert job["trace_id"] == "trace-dead" and job["created_at"]

        everything = await client.get("/api/v1/admin/jobs", params={"limit": 1}, headers=admin)
        body = everything.json()
        assert [j["id"] for j in body["data"]] == [dead.job_id] and body["meta"]["limit"] == 1
        rest = await client.get("/api/v1/admin/jobs", params={"cursor": body["meta"]["next_cursor"]}, headers=admin)
        assert [j["id"] for j in rest.json()["data"]] == [ok.job_id] and rest.json()["meta"]["next_cursor"] is None

        bad = await client.get("/api/v1/admin/jobs", params={"status": "exploded"}, headers=admin)
        assert bad.status_code == 422 and bad.json()["code"] == "invalid_status"
        assert (await client.get("/api/v1/admin/jobs", params={"cursor": "%%%"}, headers=admin)).status_code == 400

        retried = await client.post(f"/api/v1/admin/jobs/{dead.job_id}/retry", headers=admin)
        assert retried.status_code == 202, retried.text
        assert retried.json()["data"]["status"] == "todo" and retried.json()["data"]["attempts"] == 0
        assert await job_row(job_pool, dead.job_id or 0) == ("todo", 0)
        render = (await client.get("/api/v1/admin/jobs", params={"status": "failed"}, headers=admin)).json()
        assert render["data"] == []
        again = await client.post(f"/api/v1/admin/jobs/{dead.job_id}/retry", headers=admin)
        assert again.status_code == 409 and again.json()["code"] == "job_not_retryable"
        assert (await client.post("/api/v1/admin/jobs/987654/retry", headers=admin)).status_code == 404
