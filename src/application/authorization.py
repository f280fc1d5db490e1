"""Who may do what: `authorize` is the one check every use case makes.

Two kinds of permission:
- administration, granted by the global role (`admin`); anyone else is answered as for an unknown
  path (NotFound), so the routes do not disclose that they exist;
- an action in a project (read, edit, manage), granted by the caller's role in that project; a caller
  who is not a member gets NotFound (the project's existence is not disclosed), a member whose role
  does not allow the action gets Forbidden. Global admins get no implicit access to other people's projects;
- an answer to an invitation (accept, decline), granted only to its addressee while it is open; anyone
  else gets NotFound, so an invitation id discloses nothing.
"""

from __future__ import annotations

from enum import StrEnum

from application.actor import Actor
from application.errors import Forbidden, NotFound
from domain.projects import ProjectAction, ProjectRole, role_allows
from domain.users import GlobalRole


class Permission(StrEnum):
    USERS_LIST = "users.list"
    USERS_CHANGE_ROLE = "users.change_role"
    AUDIT_LOGS_READ = "audit_logs.read"
    JOBS_MANAGE = "jobs.manage"


GLOBAL_GRANTS: dict[GlobalRole, frozenset[Permission]] = {
    GlobalRole.ADMIN: frozenset(Permission),
    GlobalRole.MEMBER: frozenset(),
}


class InvitationAction(StrEnum):
    ANSWER = "answer"  # accept or decline an invitation addressed to the caller


_VERB = {
    ProjectAction.READ: "read",
    ProjectAction.EDIT: "change",
    ProjectAction.MANAGE: "manage (members, deletion)",
}


def can(actor: Actor, permission: Permission) -> bool:
    return permission in GLOBAL_GRANTS.get(actor.role, frozenset())


def authorize(
    actor: Actor,
    permission: Permission | ProjectAction | InvitationAction,
    *,
    entity: str,
    entity_id: object | None = None,
    project_role: ProjectRole | None = None,
    addressee: bool = False,
) -> None:
    """Raise unless the actor may: `project_role` is the actor's role in the project the entity belongs
    to (None when not a member), read only for a project action; `addressee` says whether an invitation
    is open and addressed to the actor, read only for an invitation action."""
    if isinstance(permission, Permission):
        if not can(actor, permission):
            raise NotFound(entity, entity_id)
        return
    if isinstance(permission, InvitationAction):
        if not addressee:
            raise NotFound(entity, entity_id)
        return
    if project_role is None:
        raise NotFound(entity, entity_id)
    if not role_allows(project_role, permission):
        raise Forbidden(
            f"a project {project_role.value} may not {_VERB[permission]} this {entity}", code="project_role_forbids"
        )
