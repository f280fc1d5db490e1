-- The pending-videos query reads a missing status as pending: index exactly that predicate.
-- depends: 0020_projects

DROP INDEX IF EXISTS projects_video_pending_idx;
CREATE INDEX projects_video_pending_idx ON projects (id)
    WHERE deleted_at IS NULL AND video IS NOT NULL AND COALESCE(video ->> 'status', 'pending') = 'pending';
