DROP INDEX IF EXISTS renders_unfinished_by_user_idx;
