DROP INDEX IF EXISTS tracks_project_all_idx;
DROP INDEX IF EXISTS projects_blobs_to_purge_idx;
ALTER TABLE projects DROP COLUMN IF EXISTS blobs_purged_at;
