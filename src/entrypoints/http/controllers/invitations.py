"""Invitations (API.md: Projects and members): the addressee lists, accepts or declines them; a project's
owner withdraws one. Thin handlers: validate, one use case, map."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from application.actor import Actor
from application.use_cases.subtitles.invitations import (
    AcceptInvitation,
    DeclineInvitation,
    ListMyInvitations,
    RevokeInvitation,
)
from entrypoints.http.errors import problem_responses
from entrypoints.http.pagination import Cursor, Limit, page_out, page_request
from entrypoints.http.schemas import Envelope, Page
from entrypoints.http.subtitles_schemas import ProjectOut, ReceivedInvitationOut


class InvitationController(Controller):
    path = "/api/v1"
    tags = ["members"]

    @get(
        "/me/invitations",
        summary="Open invitations addressed to the caller's email, oldest first",
        description="An invitation sent before the account was registered appears here once it is.",
        responses=problem_responses(400, 401),
    )
    async def list_my_invitations(
        self,
        actor: NamedDependency[Actor],
        list_my_invitations: NamedDependency[ListMyInvitations],
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> Page[ReceivedInvitationOut]:
        found = await list_my_invitations.execute(actor, page_request(limit, cursor, UUID))
        return page_out(found, limit, ReceivedInvitationOut.received)

    @post(
        "/me/invitations/{invitation_id:uuid}/accept",
        summary="Accept an invitation: the caller becomes a member with the invited role",
        description="Only the addressee, signed in, before it expires; for anyone else it does not exist (404).",
        status_code=200,
        responses=problem_responses(401, 404),
    )
    async def accept_invitation(
        self,
        actor: NamedDependency[Actor],
        invitation_id: FromPath[UUID],
        accept_invitation: NamedDependency[AcceptInvitation],
    ) -> Envelope[ProjectOut]:
        return Envelope(data=ProjectOut.of(await accept_invitation.execute(actor, invitation_id)))

    @post(
        "/me/invitations/{invitation_id:uuid}/decline",
        summary="Decline an invitation (it is deleted)",
        status_code=204,
        responses=problem_responses(401, 404),
    )
    async def decline_invitation(
        self,
        actor: NamedDependency[Actor],
        invitation_id: FromPath[UUID],
        decline_invitation: NamedDependency[DeclineInvitation],
    ) -> None:
        await decline_invitation.execute(actor, invitation_id)

    @delete(
        "/projects/{project_id:uuid}/invitations/{invitation_id:uuid}",
        summary="Withdraw a pending invitation (owner only)",
        responses=problem_responses(401, 403, 404),
    )
    async def revoke_invitation(
        self,
        actor: NamedDependency[Actor],
        project_id: FromPath[UUID],
        invitation_id: FromPath[UUID],
        revoke_invitation: NamedDependency[RevokeInvitation],
    ) -> None:
        await revoke_invitation.execute(actor, project_id, invitation_id)
