"""Members of a project: list (any member), add by email and remove (owner only)."""

from __future__ import annotations

from uuid import UUID

import msgspec

from application.actor import Actor
from application.errors import Conflict, InvalidInput, NotFound
from application.ports.clock import Clock
from application.ports.subtitles_uow import SubtitlesUnitOfWork
from application.use_cases.subtitles.common import audit_changes, end_read, project_for
from domain.projects import Member, ProjectAction, ProjectRole
from domain.users import normalize_email


class ListMembers:
    def __init__(self, uow: SubtitlesUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, project_id: UUID, *, limit: int, after_user_id: UUID | None) -> list[Member]:
        """At most `limit + 1` members: the extra one only says another page exists."""
        async with self._uow as uow:
            await project_for(uow, actor, project_id, ProjectAction.READ)
            found = await uow.members.list(project_id, limit=limit + 1, after_user_id=after_user_id)
            await end_read(uow)
        return found


class AddMemberCommand(msgspec.Struct, frozen=True, kw_only=True):
    project_id: UUID
    email: str
    role: ProjectRole


class AddMember:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, actor: Actor, cmd: AddMemberCommand) -> Member:
        async with self._uow as uow:
            await project_for(uow, actor, cmd.project_id, ProjectAction.MANAGE, for_update=True)
            if cmd.role is ProjectRole.OWNER:
                raise InvalidInput("a project has one owner; add members as editor or viewer", code="invalid_role")
            email = normalize_email(cmd.email)
            user = await uow.users.find_by_email(email)
            if user is None:
                raise NotFound("user", email)
            existing = await uow.projects.access(cmd.project_id, user.id)
            if existing is not None and existing.role is not None:
                raise Conflict(f"{email} is already a member ({existing.role.value})", code="already_member")
            member = Member(
                project_id=cmd.project_id,
                user_id=user.id,
                role=cmd.role,
                email=user.email or "",
                display_name=user.display_name or "",
            )
            await uow.members.add(member, at=self._clock.now())
            changes = audit_changes(cmd.project_id, user_id=str(user.id), role=cmd.role.value)
            await uow.audit.record(actor, "member.added", "project", cmd.project_id, changes, trace_id=actor.trace_id)
            await uow.commit()
        return member


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
