"""Repositories of the identity area; each hangs off the unit of work and runs in its transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

import msgspec

from application.actor import Actor
from application.pagination import PageOf, PageRequest
from domain.audit import AuditEntry
from domain.sessions import RefreshToken
from domain.users import GlobalRole, User


class UserRepository(Protocol):
    async def add(self, user: User) -> None:
        """Raises Conflict(code="email_taken") when an active account has the email."""
        ...

    async def get(self, user_id: UUID) -> User:
        """An active user; NotFound otherwise."""
        ...

    async def find(self, user_id: UUID) -> User | None:
        """An active user, or None."""
        ...

    async def find_by_email(self, email: str) -> User | None: ...

    async def set_password_hash(self, user_id: UUID, password_hash: str, *, now: datetime) -> None: ...

    async def set_role(self, user_id: UUID, role: GlobalRole, *, now: datetime) -> User:
        """Changes the role and moves the token epoch on, so tokens with the old role stop working."""
        ...

    async def erase(self, user_id: UUID, *, now: datetime) -> None:
        """Soft-deletes the account and empties every personal field; moves the token epoch on."""
        ...

    async def count_active_admins(self) -> int: ...

    async def list_page(self, page: PageRequest[UUID], *, role: GlobalRole | None = None) -> PageOf[User]:
        """Active users, newest first (position: the id)."""
        ...


class RefreshTokenRepository(Protocol):
    async def add(self, token: RefreshToken) -> None: ...

    async def get_for_update(self, digest: bytes) -> RefreshToken | None:
        """The token with this digest, locked for the rest of the transaction."""
        ...

    async def mark_rotated(self, token_id: UUID, *, now: datetime) -> None: ...

    async def revoke_family(self, family_id: UUID, *, now: datetime) -> int: ...

    async def delete_for_user(self, user_id: UUID) -> int: ...

    async def list_for_user(self, user_id: UUID, page: PageRequest[UUID]) -> PageOf[RefreshToken]:
        """The user's tokens, oldest first (position: the id)."""
        ...


class AuditFilter(msgspec.Struct, frozen=True, kw_only=True):
    actor_id: UUID | None = None
    entity: str | None = None
    entity_id: UUID | None = None
    action: str | None = None


class AuditLog(Protocol):
    async def record(
        self,
        actor: Actor | None,
        action: str,
        entity: str,
        entity_id: UUID | None,
        changes: Mapping[str, Any] | None = None,
        *,
        trace_id: str | None = None,
    ) -> None:
        """One entry in the current transaction; keys that look like secrets are dropped from `changes`."""
        ...

    async def list_page(self, page: PageRequest[UUID], where: AuditFilter) -> PageOf[AuditEntry]:
        """Matching entries, newest first (position: the id)."""
        ...

    async def list_about_user(self, user_id: UUID, page: PageRequest[UUID]) -> PageOf[AuditEntry]:
        """Entries the user made or that are about the user's account, oldest first (position: the id)."""
        ...

    async def anonymise_user(self, user_id: UUID, pseudonym: str) -> int:
        """Replaces the user's id by the pseudonym, as actor and as subject; returns rows changed."""
        ...
