-- Projects and their members (per-project roles owner, editor, viewer).
-- depends: 0010_identity

CREATE TABLE projects (
    id uuid PRIMARY KEY,
    title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    owner_id uuid NOT NULL REFERENCES users (id),
    video jsonb,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz
);
-- The owner's projects (account deletion, data export).
CREATE INDEX projects_owner_idx ON projects (owner_id, id DESC) WHERE deleted_at IS NULL;
-- Projects whose video metadata is still to be filled in by the providers' job.
CREATE INDEX projects_video_pending_idx ON projects (id) WHERE deleted_at IS NULL AND (video ->> 'status') = 'pending';

CREATE TABLE project_members (
    project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id),
    role text NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
-- "My projects, newest first" walks this index backwards from the cursor.
CREATE INDEX project_members_user_idx ON project_members (user_id, project_id DESC);
