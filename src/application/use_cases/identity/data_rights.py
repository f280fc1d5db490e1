"""Export everything stored about the caller; erase the caller's account (S-SEC-9)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any
from uuid import UUID

from application.actor import Actor
from application.data_rights import DataContributor
from application.pagination import each_item
from application.ports.auth_state import AuthStates
from application.ports.clock import Clock
from application.ports.security import Pseudonymizer
from application.ports.unit_of_work import UnitOfWork
from domain.audit import AuditEntry
from domain.sessions import RefreshToken


def _session(t: RefreshToken) -> dict[str, Any]:
    return {
        "id": t.id,
        "family_id": t.family_id,
        "created_at": t.created_at,
        "expires_at": t.expires_at,
        "rotated_at": t.rotated_at,
        "revoked_at": t.revoked_at,
    }


def _audit_entry(e: AuditEntry, user_id: UUID) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": e.at,
        "action": e.action,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "by_me": e.actor_id == user_id,
        "changes": e.changes,
        "trace_id": e.trace_id,
    }


class ExportMyData:
    def __init__(self, uow: UnitOfWork, contributors: Sequence[DataContributor], clock: Clock) -> None:
        self._uow = uow
        self._contributors = list(contributors)
        self._clock = clock

    async def execute(self, actor: Actor) -> AsyncIterator[tuple[str, object]]:
        """The export's sections, `(name, value)` in order, read inside one transaction while they are
        consumed; values may hold async iterators (lists read lazily, a page at a time). The first
        section comes only once the caller's account is found: pull it before answering."""
        async with self._uow as uow:
            user = await uow.users.get(actor.user_id)
            yield "exported_at", self._clock.now()
            yield (
                "account",
                {
                    "id": user.id,
                    "email": user.email,
                    "display_name": user.display_name,
                    "role": user.role.value,
                    "created_at": user.created_at,
                    "updated_at": user.updated_at,
                },
            )
            sessions = each_item(lambda page: uow.refresh_tokens.list_for_user(user.id, page))
            yield "sessions", (_session(t) async for t in sessions)
            entries = each_item(lambda page: uow.audit.list_about_user(user.id, page))
            yield "audit_entries", (_audit_entry(e, user.id) async for e in entries)
            for contributor in self._contributors:
                yield contributor.section, await contributor.export(uow, user.id)
            await uow.commit()  # read-only: COMMIT keeps the connection's prepared statements


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
