"""Invitation use cases with in-memory repositories: the invite path never consults accounts (so neither
its answer nor its work depends on whether the email is registered), and only the addressee answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import pytest

from application.actor import Actor, GlobalRole
from application.errors import NotFound
from application.use_cases.subtitles.invitations import AcceptInvitation, DeclineInvitation
from application.use_cases.subtitles.members import InviteMember, InviteMemberCommand
from domain.projects import Member, Project, ProjectRole
from tests.fakes.subtitles import FakeSubtitlesUnitOfWork, FixedClock, SequentialIds, Store

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)
OWNER = Actor(user_id=UUID(int=1), role=GlobalRole.MEMBER)
INVITEE = Actor(user_id=UUID(int=2), role=GlobalRole.MEMBER)
OTHER = Actor(user_id=UUID(int=3), role=GlobalRole.MEMBER)
PROJECT = UUID(int=10)


class CountingUsers:
    """Records every account look-up the use case makes."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.calls = inner, 0

    def __getattr__(self, name: str) -> Any:
        self.calls += 1
        return getattr(self.inner, name)


def world() -> tuple[FakeSubtitlesUnitOfWork, FixedClock]:
    store = Store()
    store.projects[PROJECT] = Project(id=PROJECT, title="p", owner_id=OWNER.user_id, created_at=NOW, updated_at=NOW)
    store.members[(PROJECT, OWNER.user_id)] = Member(project_id=PROJECT, user_id=OWNER.user_id, role=ProjectRole.OWNER)
    for actor, email in ((OWNER, "owner@example.com"), (INVITEE, "guest@example.com"), (OTHER, "x@example.com")):
        store.users_by_email[email] = SimpleNamespace(id=actor.user_id, email=email)
    return FakeSubtitlesUnitOfWork(store), FixedClock(NOW)


async def test_inviting_never_looks_the_email_up_among_accounts() -> None:
    uow, clock = world()
    users = CountingUsers(uow.users)
    uow.users = users  # type: ignore[assignment]
    invite = InviteMember(uow, clock, SequentialIds(), ttl_hours=24)
    registered = await invite.execute(
        OWNER, InviteMemberCommand(project_id=PROJECT, email="guest@example.com", role=ProjectRole.VIEWER)
    )
    unknown = await invite.execute(
        OWNER, InviteMemberCommand(project_id=PROJECT, email="nobody@example.com", role=ProjectRole.VIEWER)
    )
    assert users.calls == 0
    assert registered.expires_at == unknown.expires_at == NOW + timedelta(hours=24)
    assert [e["action"] for e in uow.store.audit] == ["member.invited", "member.invited"]


async def test_only_the_addressee_accepts_before_expiry() -> None:
    uow, clock = world()
    invitation = await InviteMember(uow, clock, SequentialIds(), ttl_hours=1).execute(
        OWNER, InviteMemberCommand(project_id=PROJECT, email="Guest@Example.com", role=ProjectRole.EDITOR)
    )
    for actor in (OTHER, OWNER):
        with pytest.raises(NotFound):
            await AcceptInvitation(uow, clock).execute(actor, invitation.id)
        with pytest.raises(NotFound):
            await DeclineInvitation(uow, clock).execute(actor, invitation.id)
    clock.current = NOW + timedelta(hours=1)
    with pytest.raises(NotFound):
        await AcceptInvitation(uow, clock).execute(INVITEE, invitation.id)
    clock.current = NOW + timedelta(minutes=59)
    access = await AcceptInvitation(uow, clock).execute(INVITEE, invitation.id)
    assert access.role is ProjectRole.EDITOR
    assert uow.store.members[(PROJECT, INVITEE.user_id)].role is ProjectRole.EDITOR
    assert uow.store.invitations == {}
