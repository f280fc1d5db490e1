from __future__ import annotations

from uuid import uuid4

import pytest

from application.actor import Actor, GlobalRole
from application.authorization import Permission, authorize, can
from application.errors import Forbidden, NotFound
from domain.projects import ProjectAction, ProjectRole

ADMIN = Actor(user_id=uuid4(), role=GlobalRole.ADMIN)
MEMBER = Actor(user_id=uuid4(), role=GlobalRole.MEMBER)


@pytest.mark.parametrize("permission", list(Permission))
def test_admins_hold_every_global_permission_and_members_none(permission: Permission) -> None:
    # covers: S-SEC-4
    assert can(ADMIN, permission)
    assert not can(MEMBER, permission)


def test_administration_refused_is_answered_as_an_unknown_path() -> None:
    # covers: S-SEC-4
    with pytest.raises(NotFound):
        authorize(MEMBER, Permission.USERS_LIST, entity="resource")
    authorize(ADMIN, Permission.USERS_LIST, entity="resource")


@pytest.mark.parametrize(
    ("role", "action", "error"),
    [
        (None, ProjectAction.READ, NotFound),  # not a member: the project is not disclosed
        (ProjectRole.VIEWER, ProjectAction.EDIT, Forbidden),  # visible, but not to change
        (ProjectRole.EDITOR, ProjectAction.MANAGE, Forbidden),
        (ProjectRole.VIEWER, ProjectAction.READ, None),
        (ProjectRole.EDITOR, ProjectAction.EDIT, None),
        (ProjectRole.OWNER, ProjectAction.MANAGE, None),
    ],
)
def test_project_actions_follow_the_callers_role_in_the_project(
    role: ProjectRole | None, action: ProjectAction, error: type[Exception] | None
) -> None:
    # covers: S-SEC-4
    if error is None:
        authorize(MEMBER, action, entity="track", entity_id=1, project_role=role)
        return
    with pytest.raises(error):
        authorize(MEMBER, action, entity="track", entity_id=1, project_role=role)


def test_a_global_admin_gets_no_implicit_access_to_other_peoples_projects() -> None:
    # covers: S-SEC-4
    with pytest.raises(NotFound):
        authorize(ADMIN, ProjectAction.READ, entity="project", entity_id=1, project_role=None)
