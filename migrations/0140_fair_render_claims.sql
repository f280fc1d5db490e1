-- Fair claims of queued jobs. Workers claim through subdub_fetch_job instead of procrastinate's own
-- fetch: the same rules (queues, due time, locks, priority, age), and for render jobs three more:
--  * a user's renders already running come first in the order: the user with the fewest runs next;
--  * no user gets more than p_running_per_user renders running at once (the rest wait their turn);
--  * a worker runs at most p_large_slots renders larger than p_small_cues at once, so the slots it
--    has beyond them always take small renders (a 2-cue render never waits behind hours of speech).
-- One claim at a time (a transaction-level advisory lock): two workers never both take a user's
-- last free slot.
-- depends: 0120_project_blob_purge

-- A user's unfinished renders, counted (under a per-user advisory lock) when a render is requested.
CREATE INDEX renders_unfinished_by_user_idx ON renders (requested_by) WHERE status IN ('queued', 'running');

CREATE FUNCTION subdub_fetch_job(
    target_queue_names character varying[],
    p_worker_id bigint,
    p_running_per_user integer,
    p_large_slots integer,
    p_small_cues integer
)
    RETURNS procrastinate_jobs
    LANGUAGE plpgsql
AS $$
DECLARE
    found_job procrastinate_jobs;
    large_here integer;
BEGIN
    PERFORM pg_advisory_xact_lock(4242424242001);
    SELECT count(*) INTO large_here
        FROM procrastinate_jobs AS j JOIN renders AS r ON r.job_id = j.id
        WHERE j.status = 'doing' AND j.worker_id = p_worker_id AND r.cue_count > p_small_cues;
    WITH running AS (
        SELECT r.requested_by, count(*) AS n
            FROM procrastinate_jobs AS j JOIN renders AS r ON r.job_id = j.id
            WHERE j.status = 'doing'
            GROUP BY r.requested_by
    ), candidate AS (
        SELECT jobs.id
            FROM procrastinate_jobs AS jobs
            LEFT JOIN renders AS r ON r.job_id = jobs.id
            LEFT JOIN running AS u ON u.requested_by = r.requested_by
            WHERE jobs.status = 'todo'
                AND (target_queue_names IS NULL OR jobs.queue_name = ANY(target_queue_names))
                AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now())
                AND (r.id IS NULL OR (
                    COALESCE(u.n, 0) < p_running_per_user
                    AND (r.cue_count <= p_small_cues OR large_here < p_large_slots)
                ))
                -- procrastinate's lock rule: a job waits while a job of its lock runs or comes first
                AND NOT EXISTS (
                    SELECT 1 FROM procrastinate_jobs AS other_jobs
                        WHERE jobs.lock IS NOT NULL
                            AND other_jobs.lock = jobs.lock
                            AND (
                                other_jobs.status = 'doing'
                                OR (other_jobs.status = 'todo' AND (
                                    other_jobs.priority > jobs.priority
                                    OR (other_jobs.priority = jobs.priority AND other_jobs.id < jobs.id)
                                ))
                            )
                )
            ORDER BY COALESCE(u.n, 0), jobs.priority DESC, jobs.id
            LIMIT 1
            FOR UPDATE OF jobs SKIP LOCKED
    )
    UPDATE procrastinate_jobs
        SET status = 'doing', worker_id = p_worker_id
        FROM candidate
        WHERE procrastinate_jobs.id = candidate.id
        RETURNING procrastinate_jobs.* INTO found_job;
    RETURN found_job;
END;
$$;
