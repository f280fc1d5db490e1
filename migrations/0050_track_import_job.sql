-- The queue job that imported a track: a job run again (worker killed after the commit, a retry)
-- finds the track it wrote instead of writing another (S-JOB-2).
-- depends: 0021_tracks_and_cues

ALTER TABLE tracks ADD COLUMN import_job_id bigint;
-- At most one track per import job, deleted tracks included (the import happened once).
CREATE UNIQUE INDEX tracks_import_job_idx ON tracks (import_job_id) WHERE import_job_id IS NOT NULL;
