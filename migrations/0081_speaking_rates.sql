-- What each voice's produced clips say about its speaking rate: the sums of a least-squares line
-- through (characters, milliseconds), added to by every finished render, read by the fit check.
-- depends: 0040_renders

CREATE TABLE speaking_rates (
    voice text PRIMARY KEY CHECK (length(voice) BETWEEN 3 AND 201),
    clips bigint NOT NULL CHECK (clips >= 0),
    chars double precision NOT NULL,
    ms double precision NOT NULL,
    chars_sq double precision NOT NULL,
    chars_ms double precision NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
