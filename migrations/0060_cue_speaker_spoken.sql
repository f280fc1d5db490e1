-- Who says a cue (`speaker`, from the file or typed in) and whether it is speech at all (`spoken`:
-- false for sound descriptions and music, kept for export but never voiced).
-- depends: 0021_tracks_and_cues

ALTER TABLE cues
    ADD COLUMN speaker text CONSTRAINT cues_speaker_length CHECK (char_length(speaker) BETWEEN 1 AND 100),
    ADD COLUMN spoken boolean NOT NULL DEFAULT true;
