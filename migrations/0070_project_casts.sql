-- A project's cast: the voice of each speaker and a default voice per language (JSON objects of
-- {engine, name}), replaced whole by each PUT; `version` is its ETag.
-- depends: 0060_cue_speaker_spoken

CREATE TABLE project_casts (
    project_id uuid PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    speakers jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(speakers) = 'object'),
    defaults jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(defaults) = 'object'),
    version integer NOT NULL CHECK (version > 0),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- The distinct speakers of a track's live cues (the cast reports speakers no cue names).
CREATE INDEX cues_track_speaker_idx ON cues (track_id, speaker) WHERE deleted_at IS NULL AND speaker IS NOT NULL;
