DELETE FROM renders WHERE format IN ('mkv', 'mp4', 'webm');
ALTER TABLE renders DROP CONSTRAINT IF EXISTS renders_format_check;
ALTER TABLE renders ADD CONSTRAINT renders_format_check CHECK (format IN ('wav', 'flac', 'ogg', 'mp3'));
DROP TABLE IF EXISTS project_media;
