DROP TABLE IF EXISTS project_members;
DROP TABLE IF EXISTS projects;
