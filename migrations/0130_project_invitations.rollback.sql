DROP TABLE IF EXISTS project_invitations;
