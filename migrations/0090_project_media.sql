-- Media of a project (the original video or audio, a music-and-effects stem), probed on upload; the
-- file itself is a blob. Renders gain the container formats a dub is delivered in.
-- depends: 0040_renders

CREATE TABLE project_media (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('original', 'music_effects')),
    kind text NOT NULL CHECK (kind IN ('video', 'audio')),
    container text NOT NULL,
    duration_ms bigint NOT NULL CHECK (duration_ms >= 0),
    streams jsonb NOT NULL,
    size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
    filename text,
    blob_key text NOT NULL,
    uploaded_by uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
-- The media of a project, in id (creation) order.
CREATE INDEX project_media_project_idx ON project_media (project_id, id);
CREATE INDEX project_media_uploaded_by_idx ON project_media (uploaded_by);

ALTER TABLE renders DROP CONSTRAINT renders_format_check;
ALTER TABLE renders ADD CONSTRAINT renders_format_check
    CHECK (format IN ('wav', 'flac', 'ogg', 'mp3', 'mkv', 'mp4', 'webm'));
