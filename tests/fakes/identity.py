"""In-memory fakes of the identity ports: same behaviour as the PostgreSQL adapters (one contract suite runs on both).

The unit of work is transactional: writes made inside `async with` are kept only if `commit()` ran.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self
from uuid import UUID

import msgspec

from adapters.postgres.repositories.audit import without_secrets
from application.actor import Actor
from application.errors import Conflict, NotFound
from application.pagination import PageOf, PageRequest, page_from
from application.ports.identity import AuditFilter
from domain.audit import AuditEntry
from domain.sessions import RefreshToken
from domain.users import AuthState, GlobalRole, User


@dataclass
class IdentityState:
    users: dict[UUID, User] = field(default_factory=dict)
    tokens: dict[UUID, RefreshToken] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    idempotency_scopes: dict[str, int] = field(default_factory=dict)
    next_id: int = 0

    def new_id(self) -> UUID:
        self.next_id += 1
        return UUID(int=(7 << 76) | (0x8 << 60) | self.next_id)


class FakeUserRepository:
    def __init__(self, state: IdentityState) -> None:
        self.s = state

    async def add(self, user: User) -> None:
        if user.deleted_at is None and await self.find_by_email(user.email or "") is not None:
            raise Conflict("an account with this email already exists", code="email_taken")
        self.s.users[user.id] = user

    async def get(self, user_id: UUID) -> User:
        user = await self.find(user_id)
        if user is None:
            raise NotFound("user", user_id)
        return user

    async def find(self, user_id: UUID) -> User | None:
        user = self.s.users.get(user_id)
        return user if user is not None and user.deleted_at is None else None

    async def find_by_email(self, email: str) -> User | None:
        return next((u for u in self.s.users.values() if u.email == email and u.deleted_at is None), None)

    async def set_password_hash(self, user_id: UUID, password_hash: str, *, now: datetime) -> None:
        user = await self.get(user_id)
        self.s.users[user_id] = msgspec.structs.replace(user, password_hash=password_hash, updated_at=now)

    async def set_role(self, user_id: UUID, role: GlobalRole, *, now: datetime) -> User:
        user = await self.get(user_id)
        changed = msgspec.structs.replace(user, role=role, token_epoch=user.token_epoch + 1, updated_at=now)
        self.s.users[user_id] = changed
        return changed

    async def erase(self, user_id: UUID, *, now: datetime) -> None:
        user = await self.get(user_id)
        self.s.users[user_id] = msgspec.structs.replace(
            user,
            email=None,
            display_name=None,
            password_hash=None,
            token_epoch=user.token_epoch + 1,
            deleted_at=now,
            updated_at=now,
        )
        self.s.idempotency_scopes.pop(str(user_id), None)

    async def count_active_admins(self) -> int:
        return sum(1 for u in self.s.users.values() if u.role is GlobalRole.ADMIN and u.deleted_at is None)

    async def list_page(self, page: PageRequest[UUID], *, role: GlobalRole | None = None) -> PageOf[User]:
        found = sorted(
            (
                u
                for u in self.s.users.values()
                if u.deleted_at is None
                and (role is None or u.role is role)
                and (page.after is None or u.id < page.after)
            ),
            key=lambda u: u.id,
            reverse=True,
        )
        return page_from(found[: page.fetch], page, lambda item: item.id)


class FakeRefreshTokenRepository:
    def __init__(self, state: IdentityState) -> None:
        self.s = state

    async def add(self, token: RefreshToken) -> None:
        if any(t.digest == token.digest for t in self.s.tokens.values()):
            raise Conflict("duplicate refresh token")
        self.s.tokens[token.id] = token

    async def get_for_update(self, digest: bytes) -> RefreshToken | None:
        return next((t for t in self.s.tokens.values() if t.digest == digest), None)

    async def mark_rotated(self, token_id: UUID, *, now: datetime) -> None:
        self.s.tokens[token_id] = msgspec.structs.replace(self.s.tokens[token_id], rotated_at=now)

    async def revoke_family(self, family_id: UUID, *, now: datetime) -> int:
        live = [t for t in self.s.tokens.values() if t.family_id == family_id and t.revoked_at is None]
        for t in live:
            self.s.tokens[t.id] = msgspec.structs.replace(t, revoked_at=now)
        return len(live)

    async def delete_for_user(self, user_id: UUID) -> int:
        mine = [t.id for t in self.s.tokens.values() if t.user_id == user_id]
        for token_id in mine:
            del self.s.tokens[token_id]
        return len(mine)

    async def list_for_user(self, user_id: UUID, page: PageRequest[UUID]) -> PageOf[RefreshToken]:
        found = sorted(
            (t for t in self.s.tokens.values() if t.user_id == user_id and (page.after is None or t.id > page.after)),
            key=lambda t: t.id,
        )
        return page_from(found[: page.fetch], page, lambda item: item.id)


class FakeAuditLog:
    def __init__(self, state: IdentityState) -> None:
        self.s = state

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
        self.s.audit.append(
            AuditEntry(
                id=self.s.new_id(),
                at=datetime.now(UTC),
                actor_id=actor.user_id if actor else None,
                action=action,
                entity=entity,
                entity_id=entity_id,
                changes=without_secrets(dict(changes or {})),
                trace_id=trace_id or (actor.trace_id if actor else None),
            )
        )

    async def list_page(self, page: PageRequest[UUID], where: AuditFilter) -> PageOf[AuditEntry]:
        found = sorted(
            (
                e
                for e in self.s.audit
                if (where.actor_id is None or e.actor_id == where.actor_id)
                and (where.entity is None or e.entity == where.entity)
                and (where.entity_id is None or e.entity_id == where.entity_id)
                and (where.action is None or e.action == where.action)
                and (page.after is None or e.id < page.after)
            ),
            key=lambda e: e.id,
            reverse=True,
        )
        return page_from(found[: page.fetch], page, lambda item: item.id)

    async def list_about_user(self, user_id: UUID, page: PageRequest[UUID]) -> PageOf[AuditEntry]:
        found = sorted(
            (
                e
                for e in self.s.audit
                if (e.actor_id == user_id or (e.entity == "user" and e.entity_id == user_id))
                and (page.after is None or e.id > page.after)
            ),
            key=lambda e: e.id,
        )
        return page_from(found[: page.fetch], page, lambda item: item.id)

    async def anonymise_user(self, user_id: UUID, pseudonym: str) -> int:
        changed = 0
        for i, e in enumerate(self.s.audit):
            if e.actor_id == user_id:
                e = msgspec.structs.replace(e, actor_id=None, actor_pseudonym=pseudonym)
                changed += 1
            if e.entity == "user" and e.entity_id == user_id:
                e = msgspec.structs.replace(e, entity_id=None, entity_pseudonym=pseudonym)
                changed += 1
            self.s.audit[i] = e
        return changed


class FakeIdentityUnitOfWork:
    def __init__(self, state: IdentityState | None = None) -> None:
        self.state = state or IdentityState()
        self.commits = 0
        self._snapshot: IdentityState | None = None
        self.users = FakeUserRepository(self.state)
        self.refresh_tokens = FakeRefreshTokenRepository(self.state)
        self.audit = FakeAuditLog(self.state)

    async def __aenter__(self) -> Self:
        self._snapshot = copy.deepcopy(self.state)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._snapshot is not None:  # not committed: roll back
            self.state.__dict__.update(self._snapshot.__dict__)
        self._snapshot = None

    async def commit(self) -> None:
        self.commits += 1
        self._snapshot = None


class FakePasswordHasher:
    """Salted SHA-256 with a cost label, so 'parameters changed' can be simulated; never use outside tests."""

    def __init__(self, cost: int = 1) -> None:
        self.cost = cost
        self.verifications = 0
        self.dummy_verifications = 0

    @property
    def parameters(self) -> str:
        return f"fake cost={self.cost}"

    async def hash(self, password: str) -> str:
        return f"fake${self.cost}${hashlib.sha256(password.encode()).hexdigest()}"

    async def verify(self, password_hash: str | None, password: str) -> bool:
        self.verifications += 1
        if password_hash is None:
            self.dummy_verifications += 1
            return False
        return password_hash.rsplit("$", 1)[-1] == hashlib.sha256(password.encode()).hexdigest()

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(f"fake${self.cost}$")


class FakeAuthStates:
    def __init__(self, state: IdentityState) -> None:
        self.s = state
        self.forgotten: list[UUID] = []

    async def get(self, user_id: UUID) -> AuthState | None:
        user = self.s.users.get(user_id)
        if user is None:
            return None
        revoked = frozenset(t.family_id for t in self.s.tokens.values() if t.user_id == user_id and t.revoked_at)
        return AuthState(
            role=user.role, token_epoch=user.token_epoch, active=user.deleted_at is None, revoked_sessions=revoked
        )

    async def forget(self, user_id: UUID) -> None:
        self.forgotten.append(user_id)
