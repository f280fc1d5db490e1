from __future__ import annotations

import msgspec

from application.actor import Actor
from application.errors import Conflict
from application.ports.clock import Clock, IdGenerator
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from domain.users import GlobalRole, User, check_password_policy, normalize_display_name, normalize_email


class RegisterCommand(msgspec.Struct, frozen=True, kw_only=True):
    email: str
    password: str
    display_name: str


class RegisterUser:
    def __init__(self, uow: UnitOfWork, hasher: PasswordHasher, ids: IdGenerator, clock: Clock) -> None:
        self._uow = uow
        self._hasher = hasher
        self._ids = ids
        self._clock = clock

    async def execute(
        self, cmd: RegisterCommand, *, trace_id: str | None = None, role: GlobalRole = GlobalRole.MEMBER
    ) -> User:
        email = normalize_email(cmd.email)
        display_name = normalize_display_name(cmd.display_name)
        check_password_policy(cmd.password, email=email)
        password_hash = await self._hasher.hash(cmd.password)
        now = self._clock.now()
        user = User(
            id=self._ids.new_id(),
            email=email,
            display_name=display_name,
            role=role,
            password_hash=password_hash,
            token_epoch=0,
            created_at=now,
            updated_at=now,
        )
        async with self._uow as uow:
            if await uow.users.find_by_email(email) is not None:
                raise Conflict("an account with this email already exists", code="email_taken")
            await uow.users.add(user)
            actor = Actor(user_id=user.id, role=user.role, trace_id=trace_id)
            await uow.audit.record(actor, "user.registered", "user", user.id, {"role": user.role.value})
            await uow.commit()
        return user
