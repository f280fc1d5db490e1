-- Invitations: pending memberships addressed to an email (registered or not), answered by its owner.
-- depends: 0120_project_blob_purge

CREATE TABLE project_invitations (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    role text NOT NULL CHECK (role IN ('editor', 'viewer')),
    invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    -- one pending invitation per project and email: inviting again renews it
    UNIQUE (project_id, email)
);
-- "My invitations": the addressee's email, in id order (the list's cursor).
CREATE INDEX project_invitations_email_idx ON project_invitations (email, id);
-- The member list of a project shows its invitations by id after its members.
CREATE INDEX project_invitations_project_idx ON project_invitations (project_id, id);
