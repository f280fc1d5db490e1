-- Fair claims of queued render jobs (the claim itself is a query in adapters/queue/fair_claims.py):
-- a user's unfinished renders are counted when a render is requested and when a worker claims one.
-- depends: 0120_project_blob_purge

CREATE INDEX renders_unfinished_by_user_idx ON renders (requested_by) WHERE status IN ('queued', 'running');
