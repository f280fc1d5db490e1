-- Renders (voice-over jobs) and the last error of each queued job (for the dead-letter list).
-- depends: 0021_tracks_and_cues

CREATE TABLE renders (
    id uuid PRIMARY KEY,
    track_id uuid NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
    requested_by uuid NOT NULL REFERENCES users (id),
    status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    options jsonb NOT NULL,
    -- The cues as they were when the render was asked for: later edits do not change it.
    cues jsonb NOT NULL,
    cue_count integer NOT NULL CHECK (cue_count > 0),
    progress_done integer NOT NULL DEFAULT 0 CHECK (progress_done >= 0),
    progress_total integer NOT NULL DEFAULT 0 CHECK (progress_total >= 0),
    heartbeat_at timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    cancel_requested boolean NOT NULL DEFAULT false,
    stats jsonb,
    report jsonb,
    duration_ms integer,
    format text NOT NULL CHECK (format IN ('wav', 'flac', 'ogg', 'mp3')),
    size_bytes bigint,
    blob_key text NOT NULL,
    error jsonb,
    trace_id text,
    job_id bigint,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    started_at timestamptz,
    finished_at timestamptz
);
-- The renders of a track, newest first (ids are UUIDv7, so id order is creation order).
CREATE INDEX renders_track_idx ON renders (track_id, id DESC);
-- The render of a job (admin retry), and a user's renders (data export, account deletion).
CREATE UNIQUE INDEX renders_job_idx ON renders (job_id) WHERE job_id IS NOT NULL;
CREATE INDEX renders_requested_by_idx ON renders (requested_by);
-- Counting renders by status for the metrics.
CREATE INDEX renders_status_idx ON renders (status);

CREATE TABLE job_errors (
    job_id bigint PRIMARY KEY REFERENCES procrastinate_jobs (id) ON DELETE CASCADE,
    error text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The admin job list, newest first, optionally by status.
CREATE INDEX IF NOT EXISTS jobs_status_id_idx ON procrastinate_jobs (status, id DESC);
