-- When a deleted project's stored files (render artifacts) were removed from the blob store; the
-- purge sweep looks only at deleted projects not yet purged, so its work stays proportional to them.
-- depends: 0040_renders

ALTER TABLE projects ADD COLUMN blobs_purged_at timestamptz;
-- Every track of a project, deleted ones included (the existing index covers live tracks only).
CREATE INDEX tracks_project_all_idx ON tracks (project_id);
CREATE INDEX projects_blobs_to_purge_idx ON projects (deleted_at, id)
    WHERE deleted_at IS NOT NULL AND blobs_purged_at IS NULL;
