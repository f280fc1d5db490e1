-- Identity: accounts, refresh-token families, the audit log, idempotency keys.
-- depends: 0001_procrastinate

CREATE TABLE users (
    id uuid PRIMARY KEY,
    email text,
    display_name text,
    password_hash text,
    role text NOT NULL CHECK (role IN ('admin', 'member')),
    token_epoch integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz,
    CONSTRAINT users_active_has_personal_data CHECK (
        deleted_at IS NOT NULL OR (email IS NOT NULL AND display_name IS NOT NULL AND password_hash IS NOT NULL)
    ),
    CONSTRAINT users_email_length CHECK (email IS NULL OR char_length(email) <= 254)
);
CREATE UNIQUE INDEX users_active_email_key ON users (email) WHERE deleted_at IS NULL;
CREATE INDEX users_active_role_id_idx ON users (role, id DESC) WHERE deleted_at IS NULL;

CREATE TABLE refresh_tokens (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id),
    family_id uuid NOT NULL,
    token_digest bytea NOT NULL,
    expires_at timestamptz NOT NULL,
    rotated_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT refresh_tokens_digest_key UNIQUE (token_digest)
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id, id);

CREATE TABLE audit_logs (
    id uuid PRIMARY KEY,
    at timestamptz NOT NULL,
    actor_id uuid,
    actor_pseudonym text,
    action text NOT NULL,
    entity text NOT NULL,
    entity_id uuid,
    entity_pseudonym text,
    changes jsonb NOT NULL DEFAULT '{}'::jsonb,
    trace_id text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX audit_logs_actor_idx ON audit_logs (actor_id, id DESC);
CREATE INDEX audit_logs_entity_idx ON audit_logs (entity, entity_id, id DESC);
CREATE INDEX audit_logs_action_idx ON audit_logs (action, id DESC);

CREATE TABLE idempotency_keys (
    id uuid PRIMARY KEY,
    scope text NOT NULL,
    method text NOT NULL,
    path text NOT NULL,
    idempotency_key text NOT NULL,
    request_hash bytea NOT NULL,
    status_code integer,
    response_headers jsonb,
    response_body bytea,
    locked_until timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT idempotency_keys_scope_key UNIQUE (scope, method, path, idempotency_key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
