"""Export everything stored about the caller; erase the caller's account (S-SEC-9)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from application.actor import Actor
from application.data_rights import DataContributor
from application.pagination import every_item
from application.ports.auth_state import AuthStates
from application.ports.clock import Clock
from application.ports.security import Pseudonymizer
from application.ports.unit_of_work import UnitOfWork
from domain.audit import AuditEntry
from domain.sessions import RefreshToken


async def _all_sessions(uow: UnitOfWork, user_id: UUID) -> list[RefreshToken]:
    return await every_item(lambda page: uow.refresh_tokens.list_for_user(user_id, page))


async def _all_audit_entries(uow: UnitOfWork, user_id: UUID) -> list[AuditEntry]:
    return await every_item(lambda page: uow.audit.list_about_user(user_id, page))


class ExportMyData:
    def __init__(self, uow: UnitOfWork, contributors: Sequence[DataContributor], clock: Clock) -> None:
        self._uow = uow
        self._contributors = list(contributors)
        self._clock = clock

    async def execute(self, actor: Actor) -> dict[str, Any]:
        async with self._uow as uow:
            user = await uow.users.get(actor.user_id)
            export: dict[str, Any] = {
                "exported_at": self._clock.now(),
                "account": {
                    "id": user.id,
                    "email": user.email,
                    "display_name": user.display_name,
                    "role": user.role.value,
                    "created_at": user.created_at,
                    "updated_at": user.updated_at,
                },
                "sessions": [
                    {
                        "id": t.id,
                        "family_id": t.family_id,
                        "created_at": t.created_at,
                        "expires_at": t.expires_at,
                        "rotated_at": t.rotated_at,
                        "revoked_at": t.revoked_at,
                    }
                    for t in await _all_sessions(uow, user.id)
                ],
                "audit_entries": [
                    {
                        "id": e.id,
                        "at": e.at,
                        "action": e.action,
                        "entity": e.entity,
                        "entity_id": e.entity_id,
                        "by_me": e.actor_id == user.id,
                        "changes": e.changes,
                        "trace_id": e.trace_id,
                    }
                    for e in await _all_audit_entries(uow, user.id)
                ],
            }
            for contributor in self._contributors:
                export[contributor.section] = await contributor.export(uow, user.id)
        return export


class EraseMyAccount:
    """One transaction: every area's data, then the account's personal data and sessions, then the audit trail."""

    def __init__(
        self,
        uow: UnitOfWork,
        contributors: Sequence[DataContributor],
        pseudonymizer: Pseudonymizer,
        states: AuthStates,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._contributors = list(contributors)
        self._pseudonymizer = pseudonymizer
        self._states = states
        self._clock = clock

    async def execute(self, actor: Actor) -> None:
        now = self._clock.now()
        async with self._uow as uow:
            await uow.users.get(actor.user_id)
            for contributor in self._contributors:
                await contributor.erase(uow, actor.user_id, now=now)
            sessions = await uow.refresh_tokens.delete_for_user(actor.user_id)
            await uow.users.erase(actor.user_id, now=now)
            await uow.audit.record(actor, "user.erased", "user", actor.user_id, {"sessions_deleted": sessions})
            await uow.audit.anonymise_user(actor.user_id, self._pseudonymizer.pseudonym(actor.user_id))
            await uow.commit()
        await self._states.forget(actor.user_id)
