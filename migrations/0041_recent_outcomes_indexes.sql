-- /metrics reads recent outcomes only (the last hour), never the whole job and render history.
-- depends: 0040_renders
CREATE INDEX IF NOT EXISTS procrastinate_events_at_idx ON procrastinate_events (at);
CREATE INDEX IF NOT EXISTS renders_finished_idx ON renders (finished_at) WHERE finished_at IS NOT NULL;
