"""The hot queries of the cue page and the changes feed are served by their indexes (S-DB-5)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import psycopg
from psycopg import ClientCursor

from adapters.postgres.repositories.cues import CHANGES, FIND_MANY, PAGE, PAGE_WITH_ROLE
from adapters.postgres.repositories.projects import PENDING_VIDEOS

SEED = """
INSERT INTO users (id, email, display_name, password_hash, role, created_at, updated_at)
VALUES (%(user)s, 'plan@example.com', 'Plan', 'x', 'member', now(), now());
INSERT INTO projects (id, title, owner_id, created_at, updated_at) VALUES (%(project)s, 'p', %(user)s, now(), now());
INSERT INTO project_members (project_id, user_id, role, created_at, updated_at)
VALUES (%(project)s, %(user)s, 'owner', now(), now());
INSERT INTO tracks (id, project_id, language, source, change_seq, created_at, updated_at)
SELECT gen_random_uuid(), %(project)s, 'en', '{"kind": "manual"}', 2000, now(), now() FROM generate_series(1, 29);
INSERT INTO tracks (id, project_id, language, source, change_seq, created_at, updated_at)
VALUES (%(track)s, %(project)s, 'en', '{"kind": "manual"}', 2000, now(), now());
INSERT INTO cues (id, track_id, start_ms, end_ms, text, change_seq, created_at, updated_at, deleted_at)
SELECT gen_random_uuid(), t.id, n * 1000, n * 1000 + 500, 'line ' || n, n, now(), now(),
       CASE WHEN n %% 10 = 0 THEN now() END
FROM tracks t CROSS JOIN generate_series(1, 2000) AS n;
ANALYZE users; ANALYZE projects; ANALYZE project_members; ANALYZE tracks; ANALYZE cues;
"""


def plan_of(conn: psycopg.Connection[Any], query: str, params: dict[str, Any]) -> str:
    with ClientCursor(conn) as cur:
        cur.execute("EXPLAIN (FORMAT JSON) " + query, params)
        row = cur.fetchone()
    assert row is not None
    return json.dumps(row[0])


# covers: S-DB-5
def test_cue_page_and_changes_feed_use_their_indexes(clean_database: str) -> None:
    ids = {"user": uuid.uuid4(), "project": uuid.uuid4(), "track": uuid.uuid4()}
    with psycopg.connect(clean_database, autocommit=True) as conn:
        with ClientCursor(conn) as cur:
            cur.execute(SEED, ids)
        page = plan_of(
            conn, PAGE, {"track_id": ids["track"], "start_ms": 500_000, "id": uuid.UUID(int=0), "limit": 201}
        )
        hot_page = plan_of(
            conn,
            PAGE_WITH_ROLE,
            {"track_id": ids["track"], "user_id": ids["user"], "start_ms": -1, "id": uuid.UUID(int=0), "limit": 201},
        )
        conn.execute("SET enable_seqscan = off")  # 1 project: only whether the index can serve the query
        pending = plan_of(conn, PENDING_VIDEOS, {"limit": 50})
        conn.execute("SET enable_seqscan = on")
        changes = plan_of(conn, CHANGES, {"track_id": ids["track"], "after": 1500, "limit": 1001})
        wanted = [str(r[0]) for r in conn.execute("SELECT id FROM cues LIMIT 5000").fetchall()]
        sync_lookup = plan_of(conn, FIND_MANY, {"ids": json.dumps(wanted)})
    assert "cues_page_idx" in page
    assert "Seq Scan" not in page
    assert "projects_video_pending_idx" in pending
    assert "cues_page_idx" in hot_page
    assert "Seq Scan on cues" not in hot_page
    assert "cues_changes_idx" in changes
    assert "Seq Scan" not in changes
    assert "cues_pkey" in sync_lookup  # a sync push's 5 000 ids, each found by primary key
    assert "Seq Scan on cues" not in sync_lookup
