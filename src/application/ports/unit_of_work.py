from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from application.ports.identity import AuditLog, RefreshTokenRepository, UserRepository


class UnitOfWork(Protocol):
    """One transaction: repositories hang off it; leaving without commit() rolls back.

    A use case is given one unit of work and enters it (`async with self._uow as uow`) once per
    transaction, one transaction at a time; entering it again after leaving starts a fresh one.

    Every state-changing use case writes `audit.record(...)` before `commit()` (S-DB-8).
    """

    users: UserRepository
    refresh_tokens: RefreshTokenRepository
    audit: AuditLog

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    async def commit(self) -> None: ...
