DROP INDEX IF EXISTS jobs_status_id_idx;
DROP TABLE IF EXISTS job_errors;
DROP TABLE IF EXISTS renders;
