DROP INDEX IF EXISTS tracks_import_job_idx;
ALTER TABLE tracks DROP COLUMN IF EXISTS import_job_id;
