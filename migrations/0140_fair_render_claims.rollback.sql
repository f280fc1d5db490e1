DROP FUNCTION IF EXISTS subdub_fetch_job(character varying[], bigint, integer, integer, integer);
DROP INDEX IF EXISTS renders_unfinished_by_user_idx;
