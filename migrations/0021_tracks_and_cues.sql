-- Subtitle tracks and their cues, with a per-track change sequence for offline sync.
-- depends: 0020_projects

CREATE TABLE tracks (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    language text NOT NULL CHECK (char_length(language) BETWEEN 2 AND 35),
    label text NOT NULL DEFAULT '' CHECK (char_length(label) <= 200),
    source jsonb NOT NULL,
    version integer NOT NULL DEFAULT 1,
    -- Last change number handed out to a cue of this track. Bumped under the track's row lock, so
    -- numbers become visible in order and a pull never skips a change committed late.
    change_seq bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz
);
CREATE INDEX tracks_project_idx ON tracks (project_id, id) WHERE deleted_at IS NULL;

CREATE TABLE cues (
    id uuid PRIMARY KEY,
    track_id uuid NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
    start_ms integer NOT NULL,
    end_ms integer NOT NULL,
    text text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 2000),
    voice_engine text,
    voice_name text,
    change_seq bigint NOT NULL,
    created_at timestamptz NOT NULL,
    -- The last-write-wins clock: the client's time for offline changes, the server's otherwise.
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz,
    CONSTRAINT cues_timing CHECK (0 <= start_ms AND start_ms < end_ms AND end_ms <= 86400000),
    CONSTRAINT cues_voice_pair CHECK ((voice_engine IS NULL) = (voice_name IS NULL))
);
-- The cue page: ORDER BY (start_ms, id) after a keyset cursor; end_ms for the track's duration.
CREATE INDEX cues_page_idx ON cues (track_id, start_ms, id) INCLUDE (end_ms) WHERE deleted_at IS NULL;
-- The changes feed: every cue (tombstones included) changed after a sequence number.
CREATE UNIQUE INDEX cues_changes_idx ON cues (track_id, change_seq);
