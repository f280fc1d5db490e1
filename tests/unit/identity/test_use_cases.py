"""Identity use cases with in-memory fakes: what is stored, returned and audited."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from litestar.stores.memory import MemoryStore

from adapters.cache.rate_limit import StoreRateLimiter
from adapters.security.tokens import HmacPseudonymizer, JwtAccessTokens, RandomOpaqueTokens
from application.actor import Actor
from application.errors import Conflict, NotFound, RateLimited, Unauthenticated
from application.use_cases.identity.admin import ChangeUserRole
from application.use_cases.identity.authenticate import Authenticate
from application.use_cases.identity.create_admin import CreateAdmin
from application.use_cases.identity.data_rights import EraseMyAccount, ExportMyData
from application.use_cases.identity.login import LogIn, LoginCommand
from application.use_cases.identity.refresh import RefreshSession
from application.use_cases.identity.register import RegisterCommand, RegisterUser
from application.use_cases.identity.sessions import SessionIssuer
from domain.users import GlobalRole, User
from tests.fakes.identity import FakeAuthStates, FakeIdentityUnitOfWork, FakePasswordHasher

PASSWORD = "correct horse battery staple"


class Clock:
    def __init__(self) -> None:
        self.current = datetime.now(UTC)  # PyJWT checks `exp` against the real clock

    def now(self) -> datetime:
        return self.current


class World:
    def __init__(self) -> None:
        self.uow = FakeIdentityUnitOfWork()
        self.clock = Clock()
        self.hasher = FakePasswordHasher()
        self.limiter = StoreRateLimiter(MemoryStore())
        self.states = FakeAuthStates(self.uow.state)
        self.access = JwtAccessTokens("k" * 40, self.clock, self.uow.state)
        self.opaque = RandomOpaqueTokens()
        self.sessions = SessionIssuer(self.access, self.opaque, self.uow.state, self.clock)
        self.register = RegisterUser(self.uow, self.hasher, self.uow.state, self.clock)
        self.login = LogIn(self.uow, self.hasher, self.sessions, self.limiter, self.clock)
        self.refresh = RefreshSession(self.uow, self.opaque, self.sessions, self.clock, self.states)
        self.authenticate = Authenticate(self.access, self.states)

    async def user(self, email: str = "ada@example.com", role: GlobalRole = GlobalRole.MEMBER) -> User:
        return await self.register.execute(
            RegisterCommand(email=email, password=PASSWORD, display_name="Ada"), role=role
        )

    def actions(self) -> list[str]:
        return [e.action for e in self.uow.state.audit]


async def test_register_stores_a_hash_and_audits_without_secrets() -> None:
    w = World()
    user = await w.user()
    stored = w.uow.state.users[user.id]
    assert stored.password_hash is not None
    assert PASSWORD not in stored.password_hash
    assert w.actions() == ["user.registered"]
    assert w.uow.state.audit[0].changes == {"role": "member"}
    with pytest.raises(Conflict):
        await w.user(email="ADA@example.com")
    assert len(w.uow.state.users) == 1


async def test_login_verifies_a_dummy_hash_for_unknown_emails_and_locks_after_five_failures() -> None:
    # covers: S-SEC-2
    w = World()
    await w.user()
    with pytest.raises(Unauthenticated):
        await w.login.execute(LoginCommand(email="nobody@example.com", password=PASSWORD))
    assert w.hasher.dummy_verifications == 1
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            await w.login.execute(LoginCommand(email="ada@example.com", password="wrong"))
    with pytest.raises(Unauthenticated):
        await w.login.execute(LoginCommand(email="ada@example.com", password="wrong"))
    with pytest.raises(RateLimited) as locked:
        await w.login.execute(LoginCommand(email="ada@example.com", password=PASSWORD))
    assert 1 <= locked.value.retry_after_s <= 900
    assert not w.uow.state.tokens  # nothing was issued


async def test_login_rehashes_when_the_parameters_changed() -> None:
    # covers: S-SEC-2
    w = World()
    user = await w.user()
    w.hasher.cost = 2
    await w.login.execute(LoginCommand(email="ada@example.com", password=PASSWORD))
    assert (w.uow.state.users[user.id].password_hash or "").startswith("fake$2$")
    assert w.actions() == ["user.registered", "session.created"]


async def test_refresh_rotates_and_reuse_revokes_the_family_even_when_rolled_into_one_commit() -> None:
    # covers: S-SEC-3
    w = World()
    await w.user()
    first = await w.login.execute(LoginCommand(email="ada@example.com", password=PASSWORD))
    second = await w.refresh.execute(first.refresh_token)
    with pytest.raises(Unauthenticated) as reused:
        await w.refresh.execute(first.refresh_token)
    assert reused.value.code == "refresh_token_reused"
    assert all(t.revoked_at is not None for t in w.uow.state.tokens.values())  # committed despite the 401
    with pytest.raises(Unauthenticated):
        await w.refresh.execute(second.refresh_token)
    assert "session.reuse_detected" in w.actions()


async def test_role_change_moves_the_epoch_forgets_the_cache_and_keeps_one_admin() -> None:
    # covers: S-SEC-3, S-SEC-4, S-DB-8
    w = World()
    admin = await w.user("root@example.com", GlobalRole.ADMIN)
    member = await w.user()
    token = w.access.issue(member.id, member.role, member.token_epoch).token
    actor = Actor(user_id=admin.id, role=GlobalRole.ADMIN, trace_id="t-1")
    change = ChangeUserRole(w.uow, w.states, w.clock)
    assert (await w.authenticate.execute(token)).user_id == member.id
    await change.execute(actor, member.id, GlobalRole.ADMIN)
    with pytest.raises(Unauthenticated) as revoked:
        await w.authenticate.execute(token)
    assert revoked.value.code == "token_revoked"
    assert w.states.forgotten == [member.id]
    entry = w.uow.state.audit[-1]
    assert (entry.action, entry.actor_id, entry.trace_id) == ("user.role_changed", admin.id, "t-1")
    await change.execute(actor, member.id, GlobalRole.MEMBER)
    with pytest.raises(Conflict):
        await change.execute(actor, admin.id, GlobalRole.MEMBER)
    with pytest.raises(NotFound):
        await change.execute(Actor(user_id=member.id, role=GlobalRole.MEMBER), admin.id, GlobalRole.MEMBER)


async def test_erasure_runs_contributors_then_anonymises_in_one_commit() -> None:
    # covers: S-SEC-9
    w = World()
    user = await w.user()
    await w.login.execute(LoginCommand(email="ada@example.com", password=PASSWORD))
    order: list[str] = []

    class Projects:
        section = "projects"

        async def export(self, uow: object, user_id: UUID) -> object:
            return ["p"]

        async def erase(self, uow: object, user_id: UUID, *, now: datetime) -> None:
            order.append("projects")

    actor = Actor(user_id=user.id, role=GlobalRole.MEMBER)
    exported: dict[str, Any] = {}
    async for name, value in ExportMyData(w.uow, [Projects()], w.clock).execute(actor):
        exported[name] = [item async for item in value] if isinstance(value, AsyncIterator) else value
    assert exported["projects"] == ["p"]
    assert exported["account"]["email"] == "ada@example.com"
    assert [e["action"] for e in exported["audit_entries"]] == ["user.registered", "session.created"]

    commits = w.uow.commits
    pseudonyms = HmacPseudonymizer("k" * 40)
    await EraseMyAccount(w.uow, [Projects()], pseudonyms, w.states, w.clock).execute(actor)
    assert order == ["projects"]
    assert w.uow.commits == commits + 1
    erased = w.uow.state.users[user.id]
    assert (erased.email, erased.display_name, erased.password_hash) == (None, None, None)
    assert not w.uow.state.tokens
    assert all(e.actor_id is None for e in w.uow.state.audit)
    assert {e.actor_pseudonym for e in w.uow.state.audit} == {pseudonyms.pseudonym(user.id)}
    assert w.states.forgotten == [user.id]


async def test_a_failing_contributor_leaves_everything_as_it_was() -> None:
    # covers: S-SEC-9
    w = World()
    user = await w.user()

    class Broken:
        section = "broken"

        async def export(self, uow: object, user_id: UUID) -> object:
            return None

        async def erase(self, uow: object, user_id: UUID, *, now: datetime) -> None:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await EraseMyAccount(w.uow, [Broken()], HmacPseudonymizer("k" * 40), w.states, w.clock).execute(
            Actor(user_id=user.id, role=GlobalRole.MEMBER)
        )
    assert w.uow.state.users[user.id].email == "ada@example.com"
    assert w.actions() == ["user.registered"]


async def test_create_admin_creates_or_promotes() -> None:
    w = World()
    create = CreateAdmin(w.uow, w.register, w.states, w.clock)
    admin, created = await create.execute(
        RegisterCommand(email="root@example.com", password=PASSWORD, display_name="Root")
    )
    assert created
    assert admin.role is GlobalRole.ADMIN
    member = await w.user()
    promoted, created_again = await create.execute(
        RegisterCommand(email=member.email or "", password="irrelevant", display_name="x")
    )
    assert not created_again
    assert promoted.role is GlobalRole.ADMIN
    assert promoted.token_epoch == member.token_epoch + 1
    assert w.states.forgotten == [member.id]


async def test_expired_access_tokens_are_refused_by_authenticate() -> None:
    w = World()
    user = await w.user()
    w.clock.current -= timedelta(minutes=20)
    token = w.access.issue(user.id, user.role, user.token_epoch).token
    with pytest.raises(Unauthenticated) as expired:
        await w.authenticate.execute(token)
    assert expired.value.code == "token_expired"


class SlowHasher(FakePasswordHasher):
    """Verification takes as long as a real Argon2 check would let concurrent attempts overlap."""

    async def verify(self, password_hash: str | None, password: str) -> bool:
        await asyncio.sleep(0.05)
        return await super().verify(password_hash, password)


async def test_concurrent_logins_are_counted_before_the_password_check() -> None:
    # covers: S-SEC-2
    w = World()
    w.hasher = SlowHasher()
    w.login = LogIn(w.uow, w.hasher, w.sessions, w.limiter, w.clock)
    await w.user()
    attempts = [LoginCommand(email="ada@example.com", password=f"wrong-{i}") for i in range(15)]
    attempts.append(LoginCommand(email="ada@example.com", password=PASSWORD))
    outcomes = await asyncio.gather(*(w.login.execute(a) for a in attempts), return_exceptions=True)
    assert w.hasher.verifications <= 5
    assert sum(isinstance(o, RateLimited) for o in outcomes) >= 11
