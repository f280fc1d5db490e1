"""One contract for the identity repositories: the in-memory fakes and the PostgreSQL adapters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.postgres.pool import make_pool
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.system import Uuid7Generator
from application.actor import Actor
from application.errors import Conflict, NotFound
from application.pagination import PageRequest
from application.ports.identity import AuditFilter
from domain.sessions import RefreshToken
from domain.users import GlobalRole, User
from tests.fakes.identity import FakeIdentityUnitOfWork

NOW = datetime.now(UTC).replace(microsecond=0)
ids = Uuid7Generator()


def make_user(email: str, role: GlobalRole = GlobalRole.MEMBER) -> User:
    return User(
        id=ids.new_id(),
        email=email,
        display_name="Someone",
        role=role,
        password_hash="$argon2id$fake",
        token_epoch=0,
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.fixture(params=["fake", "postgres"])
async def new_uow(request: pytest.FixtureRequest) -> AsyncIterator[Callable[[], Any]]:
    if request.param == "fake":
        fake = FakeIdentityUnitOfWork()
        yield lambda: fake
        return
    pool = make_pool(request.getfixturevalue("clean_database"), min_size=1, max_size=2)
    await pool.open(wait=True)
    try:
        yield lambda: PostgresUnitOfWork(pool)
    finally:
        await pool.close()


async def committed(new_uow: Callable[[], Any], work: Callable[[Any], Any]) -> Any:
    async with new_uow() as uow:
        result = await work(uow)
        await uow.commit()
    return result


async def test_users_add_find_conflict_and_rollback(new_uow: Callable[[], Any]) -> None:
    ada = make_user("ada@example.com")
    await committed(new_uow, lambda uow: uow.users.add(ada))
    async with new_uow() as uow:
        assert (await uow.users.find_by_email("ada@example.com")).id == ada.id
        with pytest.raises(Conflict):
            await uow.users.add(make_user("ada@example.com"))
        await uow.users.add(make_user("bob@example.com"))  # not committed
    async with new_uow() as uow:
        assert await uow.users.find_by_email("bob@example.com") is None
        assert (await uow.users.get(ada.id)).email == "ada@example.com"


async def test_role_change_and_erasure(new_uow: Callable[[], Any]) -> None:
    # covers: S-DB-4
    ada = make_user("ada@example.com")
    await committed(new_uow, lambda uow: uow.users.add(ada))
    promoted = await committed(new_uow, lambda uow: uow.users.set_role(ada.id, GlobalRole.ADMIN, now=NOW))
    assert (promoted.role, promoted.token_epoch) == (GlobalRole.ADMIN, 1)
    assert await committed(new_uow, lambda uow: uow.users.count_active_admins()) == 1
    await committed(new_uow, lambda uow: uow.users.erase(ada.id, now=NOW))
    async with new_uow() as uow:
        assert await uow.users.find(ada.id) is None
        assert await uow.users.find_by_email("ada@example.com") is None
        assert await uow.users.count_active_admins() == 0
        with pytest.raises(NotFound):
            await uow.users.erase(ada.id, now=NOW)
    await committed(new_uow, lambda uow: uow.users.add(make_user("ada@example.com")))  # the email is free again


async def test_users_are_listed_newest_first_in_pages(new_uow: Callable[[], Any]) -> None:
    # covers: S-API-5
    users = [make_user(f"u{i}@example.com", GlobalRole.ADMIN if i == 0 else GlobalRole.MEMBER) for i in range(5)]
    for user in users:
        await committed(new_uow, lambda uow, u=user: uow.users.add(u))
    async with new_uow() as uow:
        first = await uow.users.list_page(PageRequest(limit=2))
        second = await uow.users.list_page(PageRequest(limit=2, after=first.next_after))
        members = await uow.users.list_page(PageRequest(limit=10), role=GlobalRole.MEMBER)
    newest_first = [u.id for u in reversed(users)]
    assert [u.id for u in first.items] == newest_first[:2] and first.next_after == newest_first[1]
    assert [u.id for u in second.items] == newest_first[2:4] and second.next_after == newest_first[3]
    assert [u.id for u in members.items] == newest_first[:4] and members.next_after is None


async def test_refresh_token_families(new_uow: Callable[[], Any]) -> None:
    # covers: S-SEC-3
    ada = make_user("ada@example.com")
    family = ids.new_id()
    tokens = [
        RefreshToken(
            id=ids.new_id(),
            user_id=ada.id,
            family_id=family,
            digest=bytes([i]) * 32,
            expires_at=NOW + timedelta(days=1),
            created_at=NOW,
        )
        for i in range(3)
    ]

    async def setup(uow: Any) -> None:
        await uow.users.add(ada)
        for token in tokens:
            await uow.refresh_tokens.add(token)

    await committed(new_uow, setup)
    await committed(new_uow, lambda uow: uow.refresh_tokens.mark_rotated(tokens[0].id, now=NOW))
    async with new_uow() as uow:
        found = await uow.refresh_tokens.get_for_update(bytes([0]) * 32)
        assert found is not None
        assert found.state_at(NOW) == "reused"
        assert await uow.refresh_tokens.get_for_update(b"\xff" * 32) is None
        assert await uow.refresh_tokens.revoke_family(family, now=NOW) == 3
        assert await uow.refresh_tokens.revoke_family(family, now=NOW) == 0
        await uow.commit()
    async with new_uow() as uow:
        listed = (await uow.refresh_tokens.list_for_user(ada.id, PageRequest(limit=10))).items
        assert [t.id for t in listed] == [t.id for t in tokens]
        assert all(t.revoked_at is not None for t in listed)
        assert await uow.refresh_tokens.delete_for_user(ada.id) == 3


async def test_audit_log_filters_pages_and_anonymises(new_uow: Callable[[], Any]) -> None:
    # covers: S-DB-8, S-SEC-9
    ada, bob = make_user("ada@example.com"), make_user("bob@example.com")
    as_ada = Actor(user_id=ada.id, role=GlobalRole.MEMBER, trace_id="trace-a")

    async def story(uow: Any) -> None:
        await uow.users.add(ada)
        await uow.users.add(bob)
        await uow.audit.record(as_ada, "user.registered", "user", ada.id, {"role": "member", "password": "x"})
        await uow.audit.record(None, "user.role_changed", "user", bob.id, {"role": {"from": "a", "to": "b"}})
        await uow.audit.record(as_ada, "project.created", "project", ids.new_id())

    await committed(new_uow, story)
    async with new_uow() as uow:
        everything = await uow.audit.list_page(PageRequest(limit=10), AuditFilter())
        by_ada = await uow.audit.list_page(PageRequest(limit=10), AuditFilter(actor_id=ada.id))
        about_bob = await uow.audit.list_page(PageRequest(limit=10), AuditFilter(entity="user", entity_id=bob.id))
        page_two = await uow.audit.list_page(PageRequest(limit=1, after=everything.items[0].id), AuditFilter())
        mine = await uow.audit.list_about_user(ada.id, PageRequest(limit=10))
    assert [e.action for e in everything.items] == ["project.created", "user.role_changed", "user.registered"]
    assert everything.items[2].changes == {"role": "member"}  # the secret-named field never reached storage
    assert everything.items[2].trace_id == "trace-a"
    assert [e.action for e in by_ada.items] == ["project.created", "user.registered"]
    assert [e.action for e in about_bob.items] == ["user.role_changed"]
    assert [e.id for e in page_two.items] == [everything.items[1].id]
    assert page_two.next_after == everything.items[1].id
    assert [e.action for e in mine.items] == ["user.registered", "project.created"]  # oldest first

    assert await committed(new_uow, lambda uow: uow.audit.anonymise_user(ada.id, "anon-1")) == 3
    async with new_uow() as uow:
        after = await uow.audit.list_page(PageRequest(limit=10), AuditFilter())
        assert (await uow.audit.list_about_user(ada.id, PageRequest(limit=10))).items == []
    registered = next(e for e in after.items if e.action == "user.registered")
    assert (registered.actor_id, registered.actor_pseudonym) == (None, "anon-1")
    assert (registered.entity_id, registered.entity_pseudonym) == (None, "anon-1")
    assert next(e for e in after.items if e.action == "user.role_changed").entity_id == bob.id
