DROP TABLE IF EXISTS project_lexicons;
