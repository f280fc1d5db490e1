"""Per-project authorization (S-SEC-4): a caller who is not a member gets 404, a member without the
right role gets 403. Global admins get no implicit access to other people's projects."""

from __future__ import annotations

from uuid import UUID

from application.errors import Forbidden, NotFound
from domain.projects import ProjectAction, ProjectRole, role_allows

_VERB = {
    ProjectAction.READ: "read",
    ProjectAction.EDIT: "change",
    ProjectAction.MANAGE: "manage (members, deletion)",
}


def require_role(role: ProjectRole | None, action: ProjectAction, *, entity: str, entity_id: UUID) -> ProjectRole:
    """The caller's role when it allows `action`; NotFound for non-members, Forbidden otherwise."""
    if role is None:
        raise NotFound(entity, entity_id)
    if not role_allows(role, action):
        raise Forbidden(f"a project {role.value} may not {_VERB[action]} this {entity}", code="project_role_forbids")
    return role
