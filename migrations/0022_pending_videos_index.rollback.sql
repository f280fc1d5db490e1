DROP INDEX IF EXISTS projects_video_pending_idx;
CREATE INDEX projects_video_pending_idx ON projects (id) WHERE deleted_at IS NULL AND (video ->> 'status') = 'pending';
