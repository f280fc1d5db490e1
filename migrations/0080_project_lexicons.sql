-- A project's pronunciation lexicon: one document per project, versioned for If-Match.
-- depends: 0020_projects

CREATE TABLE project_lexicons (
    project_id uuid PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    entries jsonb NOT NULL,
    version integer NOT NULL CHECK (version > 0),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
