DROP INDEX IF EXISTS cues_track_speaker_idx;
DROP TABLE IF EXISTS project_casts;
