"""Invitations as their addressee answers them (list, accept, decline) and as a manager withdraws them.

An invitation is addressed to an email, so an account registered after it was sent sees it too. Only
the signed-in owner of that email may answer it, and only before it expires; to anyone else it does
not exist (404), whatever its id.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.actor import Actor
from application.authorization import InvitationAction, authorize
from application.errors import NotFound
from application.pagination import PageOf, PageRequest
from application.ports.clock import Clock
from application.ports.projects import ProjectAccess
from application.ports.subtitles_uow import SubtitlesUnitOfWork
from application.use_cases.subtitles.common import audit_changes, end_read, project_for
from domain.invitations import Invitation, InvitationView
from domain.projects import Member, ProjectAction


async def _email_of(uow: SubtitlesUnitOfWork, actor: Actor) -> str | None:
    user = await uow.users.find(actor.user_id)
    return None if user is None else user.email


async def _open_invitation(uow: SubtitlesUnitOfWork, actor: Actor, invitation_id: UUID, now: datetime) -> Invitation:
    """The invitation, locked, once `authorize` agrees that the actor may answer it."""
    invitation = await uow.invitations.get(invitation_id, for_update=True)
    email = await _email_of(uow, actor)
    addressee = invitation is not None and invitation.is_open_to(email, now)
    authorize(actor, InvitationAction.ANSWER, entity="invitation", entity_id=invitation_id, addressee=addressee)
    if invitation is None:  # authorize has refused already; this only tells the type checker
        raise NotFound("invitation", invitation_id)
    return invitation


class ListMyInvitations:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, actor: Actor, page: PageRequest[UUID]) -> PageOf[InvitationView]:
        """Open invitations addressed to the caller's email."""
        async with self._uow as uow:
            email = await _email_of(uow, actor)
            found: PageOf[InvitationView] = (
                PageOf(items=[])
                if email is None
                else await uow.invitations.for_email(email, page, now=self._clock.now())
            )
            await end_read(uow)
        return found


class AcceptInvitation:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, actor: Actor, invitation_id: UUID) -> ProjectAccess:
        """The caller becomes a member with the invited role; a member already keeps their role."""
        now = self._clock.now()
        async with self._uow as uow:
            invitation = await _open_invitation(uow, actor, invitation_id, now)
            access = await uow.projects.access(invitation.project_id, actor.user_id, for_update=True)
            if access is None:
                raise NotFound("invitation", invitation_id)
            if access.role is None:
                member = Member(project_id=invitation.project_id, user_id=actor.user_id, role=invitation.role)
                await uow.members.add(member, at=now)
                access = ProjectAccess(project=access.project, role=invitation.role)
            await uow.invitations.delete(invitation.project_id, invitation.id)
            changes = audit_changes(
                invitation.project_id,
                invitation_id=str(invitation.id),
                user_id=str(actor.user_id),
                role=(access.role or invitation.role).value,
            )
            await uow.audit.record(
                actor, "invitation.accepted", "project", invitation.project_id, changes, trace_id=actor.trace_id
            )
            await uow.commit()
        return access


class DeclineInvitation:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, actor: Actor, invitation_id: UUID) -> None:
        async with self._uow as uow:
            invitation = await _open_invitation(uow, actor, invitation_id, self._clock.now())
            await uow.invitations.delete(invitation.project_id, invitation.id)
            changes = audit_changes(invitation.project_id, invitation_id=str(invitation.id))
            await uow.audit.record(
                actor, "invitation.declined", "project", invitation.project_id, changes, trace_id=actor.trace_id
            )
            await uow.commit()


class RevokeInvitation:
    def __init__(self, uow: SubtitlesUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, project_id: UUID, invitation_id: UUID) -> None:
        """A manager withdraws a pending (or expired) invitation of their project."""
        async with self._uow as uow:
            await project_for(uow, actor, project_id, ProjectAction.MANAGE, for_update=True)
            if not await uow.invitations.delete(project_id, invitation_id):
                raise NotFound("invitation", invitation_id)
            changes = audit_changes(project_id, invitation_id=str(invitation_id))
            await uow.audit.record(actor, "invitation.revoked", "project", project_id, changes, trace_id=actor.trace_id)
            await uow.commit()
