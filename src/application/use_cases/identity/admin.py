"""Administration: list accounts, change a role, read the audit log (global role `admin`)."""

from __future__ import annotations

from uuid import UUID

from application.actor import Actor
from application.authorization import Permission, authorize
from application.errors import Conflict
from application.pagination import PageOf, PageRequest
from application.ports.auth_state import AuthStates
from application.ports.clock import Clock
from application.ports.identity import AuditFilter
from application.ports.unit_of_work import UnitOfWork
from domain.audit import AuditEntry, field_diff
from domain.users import GlobalRole, User


class ListUsers:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, page: PageRequest[UUID], *, role: GlobalRole | None = None) -> PageOf[User]:
        authorize(actor, Permission.USERS_LIST, entity="resource")
        async with self._uow as uow:
            return await uow.users.list_page(page, role=role)


class ChangeUserRole:
    """The user's existing access tokens stop working at once (their token epoch moves on)."""

    def __init__(self, uow: UnitOfWork, states: AuthStates, clock: Clock) -> None:
        self._uow = uow
        self._states = states
        self._clock = clock

    async def execute(self, actor: Actor, user_id: UUID, role: GlobalRole) -> User:
        authorize(actor, Permission.USERS_CHANGE_ROLE, entity="resource")
        async with self._uow as uow:
            before = await uow.users.get(user_id)
            if before.role is role:
                return before
            if before.role is GlobalRole.ADMIN and await uow.users.count_active_admins() <= 1:
                raise Conflict("the last admin cannot be demoted", code="last_admin")
            after = await uow.users.set_role(user_id, role, now=self._clock.now())
            changes = field_diff({"role": before.role.value}, {"role": after.role.value})
            await uow.audit.record(actor, "user.role_changed", "user", user_id, changes)
            await uow.commit()
        await self._states.forget(user_id)
        return after


class ListAuditLogs:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, page: PageRequest[UUID], where: AuditFilter) -> PageOf[AuditEntry]:
        authorize(actor, Permission.AUDIT_LOGS_READ, entity="resource")
        async with self._uow as uow:
            return await uow.audit.list_page(page, where)
