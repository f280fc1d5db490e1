from __future__ import annotations

from application.actor import Actor
from application.ports.unit_of_work import UnitOfWork
from domain.users import User


class GetCurrentUser:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor) -> User:
        async with self._uow as uow:
            return await uow.users.get(actor.user_id)
