"""Members of a project: list (any member; managers also see pending invitations), invite by email and
remove (owner only).

Inviting never looks the email up among accounts: the invitation is stored for the email as given and
the answer is the same whether or not anyone has registered it, so a project owner cannot use it to
learn who has an account. The addressee sees it once signed in with that email (see `invitations`).
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import msgspec

from application.actor import Actor
from application.errors import Conflict, InvalidInput, NotFound
from application.pagination import PageOf, PageRequest
from application.ports.clock import Clock, IdGenerator
from application.ports.projects import RosterKey
from application.ports.subtitles_uow import SubtitlesUnitOfWork
from application.use_cases.subtitles.common import audit_changes, end_read, project_for
from domain.invitations import Invitation
from domain.projects import Member, ProjectAction, ProjectRole, role_allows
from domain.users import normalize_email


class ListMembers:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(
        self, actor: Actor, project_id: UUID, page: PageRequest[RosterKey]
    ) -> PageOf[Member | Invitation]:
        async with self._uow as uow:
            access = await project_for(uow, actor, project_id, ProjectAction.READ)
            manager = access.role is not None and role_allows(access.role, ProjectAction.MANAGE)
            pending_at = self._clock.now() if manager else None
            found = await uow.members.roster(project_id, page, pending_at=pending_at)
            await end_read(uow)
        return found


class InviteMemberCommand(msgspec.Struct, frozen=True, kw_only=True):
    project_id: UUID
    email: str
    role: ProjectRole


class InviteMember:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock, ids: IdGenerator, *, ttl_hours: float) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids
        self._ttl = timedelta(hours=ttl_hours)

    async def execute(self, actor: Actor, cmd: InviteMemberCommand) -> Invitation:
        """The same work and the same answer whether or not the email belongs to an account."""
        async with self._uow as uow:
            await project_for(uow, actor, cmd.project_id, ProjectAction.MANAGE, for_update=True)
            if cmd.role is ProjectRole.OWNER:
                raise InvalidInput("a project has one owner; invite members as editor or viewer", code="invalid_role")
            email = normalize_email(cmd.email)
            # Only members are known here: the manager already sees them in the member list.
            role = await uow.members.role_of_email(cmd.project_id, email)
            if role is not None:
                raise Conflict(f"{email} is already a member ({role.value})", code="already_member")
            now = self._clock.now()
            invitation = await uow.invitations.put(
                Invitation(
                    id=self._ids.new_id(),
                    project_id=cmd.project_id,
                    email=email,
                    role=cmd.role,
                    invited_by=actor.user_id,
                    created_at=now,
                    expires_at=now + self._ttl,
                )
            )
            changes = audit_changes(cmd.project_id, invitation_id=str(invitation.id), role=cmd.role.value)
            await uow.audit.record(actor, "member.invited", "project", cmd.project_id, changes, trace_id=actor.trace_id)
            await uow.commit()
        return invitation


class RemoveMember:
    def __init__(self, uow: SubtitlesUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, project_id: UUID, user_id: UUID) -> None:
        async with self._uow as uow:
            access = await project_for(uow, actor, project_id, ProjectAction.MANAGE, for_update=True)
            if user_id == access.project.owner_id:
                raise Conflict("the owner cannot be removed from their project", code="owner_not_removable")
            if not await uow.members.remove(project_id, user_id):
                raise NotFound("member", user_id)
            changes = audit_changes(project_id, user_id=str(user_id))
            await uow.audit.record(actor, "member.removed", "project", project_id, changes, trace_id=actor.trace_id)
            await uow.commit()
