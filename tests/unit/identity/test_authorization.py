from __future__ import annotations

from uuid import uuid4

import pytest

from application.actor import Actor, GlobalRole
from application.authorization import Permission, authorize, can
from application.errors import Forbidden, NotFound

ADMIN = Actor(user_id=uuid4(), role=GlobalRole.ADMIN)
MEMBER = Actor(user_id=uuid4(), role=GlobalRole.MEMBER)


@pytest.mark.parametrize("permission", list(Permission))
def test_admins_hold_every_global_permission_and_members_none(permission: Permission) -> None:
    # covers: S-SEC-4
    assert can(ADMIN, permission)
    assert not can(MEMBER, permission)


def test_refusal_hides_the_resource_by_default() -> None:
    # covers: S-SEC-4
    with pytest.raises(NotFound):
        authorize(MEMBER, Permission.USERS_LIST, entity="resource")
    with pytest.raises(Forbidden):
        authorize(MEMBER, Permission.USERS_LIST, entity="resource", hide=False)
    authorize(ADMIN, Permission.USERS_LIST, entity="resource")


def test_scoped_grants_add_to_the_global_role() -> None:
    # covers: S-SEC-4
    authorize(MEMBER, Permission.AUDIT_LOGS_READ, entity="project", scoped={Permission.AUDIT_LOGS_READ})
    assert not can(MEMBER, Permission.USERS_LIST, scoped={Permission.AUDIT_LOGS_READ})
