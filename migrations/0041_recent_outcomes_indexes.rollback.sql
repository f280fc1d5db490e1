DROP INDEX IF EXISTS renders_finished_idx;
DROP INDEX IF EXISTS procrastinate_events_at_idx;
