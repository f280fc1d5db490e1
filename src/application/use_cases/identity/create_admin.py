from __future__ import annotations

from application.ports.auth_state import AuthStates
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.use_cases.identity.register import RegisterCommand, RegisterUser
from domain.audit import field_diff
from domain.users import GlobalRole, User, normalize_email


class CreateAdmin:
    """The operator's way in (`subdub users create-admin`): a new admin account, or an existing one promoted."""

    def __init__(self, uow: UnitOfWork, register: RegisterUser, states: AuthStates, clock: Clock) -> None:
        self._uow = uow
        self._register = register
        self._states = states
        self._clock = clock

    async def execute(self, cmd: RegisterCommand, *, trace_id: str | None = None) -> tuple[User, bool]:
        """The admin, and whether the account was created (False: an existing one was promoted)."""
        email = normalize_email(cmd.email)
        async with self._uow as uow:
            existing = await uow.users.find_by_email(email)
            if existing is not None:
                if existing.role is GlobalRole.ADMIN:
                    return existing, False
                promoted = await uow.users.set_role(existing.id, GlobalRole.ADMIN, now=self._clock.now())
                changes = field_diff({"role": existing.role.value}, {"role": promoted.role.value})
                await uow.audit.record(None, "user.role_changed", "user", existing.id, changes, trace_id=trace_id)
                await uow.commit()
        if existing is not None:
            await self._states.forget(existing.id)
            return promoted, False
        user = await self._register.execute(cmd, trace_id=trace_id, role=GlobalRole.ADMIN)
        return user, True
