"""Who may do what: the one place use cases ask (S-SEC-4).

Global roles grant permissions everywhere. Scoped roles (per project: owner, editor, viewer)
plug in by passing the permissions their role grants as `scoped`; a resource's area adds its
own members to `Permission` and its own role → permissions table next to `GLOBAL_GRANTS`.

A caller who may not even see a resource gets NotFound, so its existence is not disclosed;
`hide=False` answers Forbidden instead, for callers who can see the resource but not change it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from application.actor import Actor
from application.errors import Forbidden, NotFound
from domain.users import GlobalRole


class Permission(StrEnum):
    # Administration (global role `admin` only).
    USERS_LIST = "users.list"
    USERS_CHANGE_ROLE = "users.change_role"
    AUDIT_LOGS_READ = "audit_logs.read"
    # Per-project permissions are added here by the projects area.


ADMIN_PERMISSIONS = frozenset({Permission.USERS_LIST, Permission.USERS_CHANGE_ROLE, Permission.AUDIT_LOGS_READ})

GLOBAL_GRANTS: dict[GlobalRole, frozenset[Permission]] = {
    GlobalRole.ADMIN: ADMIN_PERMISSIONS,
    GlobalRole.MEMBER: frozenset(),
}


def granted(actor: Actor, scoped: Iterable[Permission] = ()) -> frozenset[Permission]:
    return GLOBAL_GRANTS.get(actor.role, frozenset()) | frozenset(scoped)


def can(actor: Actor, permission: Permission, scoped: Iterable[Permission] = ()) -> bool:
    return permission in granted(actor, scoped)


def authorize(
    actor: Actor,
    permission: Permission,
    *,
    entity: str,
    entity_id: object | None = None,
    scoped: Iterable[Permission] = (),
    hide: bool = True,
) -> None:
    """Raise unless the actor holds `permission` (globally or through `scoped`)."""
    if can(actor, permission, scoped):
        return
    if hide:
        raise NotFound(entity, entity_id)
    raise Forbidden(f"you may not {permission.value.replace('_', ' ')} on this {entity}", code="forbidden")
