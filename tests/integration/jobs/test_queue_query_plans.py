"""The queue's metrics queries are served by indexes, whatever the size of the job and render history."""

from __future__ import annotations

import psycopg
import pytest

from adapters.queue.metrics import ACTIVE_RENDERS, LIVE_JOBS, RECENT_DURATIONS, RECENT_OUTCOMES, RECENT_RENDERS

pytestmark = pytest.mark.slow

# A long history: 20 000 renders and job events that finished days ago, a handful in the last hour.
HISTORY = """
INSERT INTO users (id, email, display_name, password_hash, role, created_at, updated_at)
VALUES ('00000000-0000-0000-0000-000000000001', 'plans@example.com', 'Plans', 'x', 'member', now(), now());
INSERT INTO projects (id, title, owner_id, created_at, updated_at)
VALUES ('00000000-0000-0000-0000-000000000002', 'p', '00000000-0000-0000-0000-000000000001', now(), now());
INSERT INTO tracks (id, project_id, language, source, change_seq, created_at, updated_at)
VALUES ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-000000000002', 'en',
        '{"kind": "manual"}', 0, now(), now());
INSERT INTO renders (id, track_id, requested_by, status, options, cues, cue_count, format, blob_key,
                     created_at, updated_at, started_at, finished_at)
SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-000000000001',
       'succeeded', '{}', '[]', 1, 'wav', 'k', now(), now(),
       now() - n * interval '1 minute' - interval '10 seconds', now() - n * interval '1 minute'
FROM generate_series(1, 20000) AS n;
INSERT INTO procrastinate_jobs (queue_name, task_name, status, args)
SELECT 'renders', 'subdub:render', 'succeeded', '{}' FROM generate_series(1, 20000);
INSERT INTO procrastinate_events (job_id, type, at)
SELECT id, 'succeeded', now() - id * interval '1 minute' FROM procrastinate_jobs;
ANALYZE renders; ANALYZE procrastinate_jobs; ANALYZE procrastinate_events;
"""


# covers: S-API-5, S-OBS-4
@pytest.mark.parametrize(
    ("query", "index"),
    [
        (LIVE_JOBS, "procrastinate_jobs"),
        # either index holds the live statuses (the partial one only them: the smaller read)
        (ACTIVE_RENDERS, "renders_status_idx|renders_unfinished_by_user_idx"),
        (RECENT_RENDERS, "renders_finished_idx"),
        (RECENT_OUTCOMES, "procrastinate_events_at_idx"),
        (RECENT_DURATIONS, "renders_finished_idx"),
    ],
)
def test_metrics_queries_read_the_live_queue_or_the_last_hour_through_an_index(
    clean_database: str, query: str, index: str
) -> None:
    with psycopg.connect(clean_database, autocommit=True) as conn:
        conn.execute(HISTORY.encode())
        plan = "\n".join(str(row[0]) for row in conn.execute(b"EXPLAIN " + query.encode()).fetchall())
    assert "Seq Scan" not in plan
    assert any(name in plan for name in index.split("|")), plan
