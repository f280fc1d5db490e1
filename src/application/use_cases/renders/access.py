"""Who may do what with renders (S-SEC-4): members read, editors and owners render and cancel;
a caller outside the project sees 404, never 403."""

from __future__ import annotations

from uuid import UUID

from application.errors import Forbidden, NotFound
from domain.projects import ProjectAction, ProjectRole, role_allows


def require(role: ProjectRole | None, action: ProjectAction, *, entity: str, entity_id: UUID) -> ProjectRole:
    if role is None:
        raise NotFound(entity, entity_id)
    if not role_allows(role, action):
        verb = "read" if action is ProjectAction.READ else "render or cancel"
        raise Forbidden(f"a project {role.value} may not {verb} renders of this track", code="project_role_forbids")
    return role
