"""Projects and members (API.md: Projects and members). Thin handlers: validate, one use case, map."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, HeaderParameter, JSONBody

from application.actor import Actor
from application.ports.projects import RosterKey
from application.use_cases.subtitles.members import InviteMember, InviteMemberCommand, ListMembers, RemoveMember
from application.use_cases.subtitles.projects import (
    CreateProject,
    CreateProjectCommand,
    DeleteProject,
    GetProject,
    ListProjects,
    UpdateProject,
    UpdateProjectCommand,
)
from domain.projects import ProjectRole
from entrypoints.http.errors import problem_responses
from entrypoints.http.idempotency import IDEMPOTENCY_HONOURED
from entrypoints.http.pagination import Cursor, Limit, page_out, page_request
from entrypoints.http.schemas import Envelope, Page
from entrypoints.http.subtitles_schemas import InvitationOut, MemberIn, MemberOut, ProjectIn, ProjectOut, ProjectPatch
from entrypoints.http.versioning import IF_MATCH_PATTERN, etag, expected_version

IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        required=False,
        description='the ETag of the version you read (e.g. `"v3"`), or `*`',
        pattern=IF_MATCH_PATTERN,
    ),
]


def _project_response(out: ProjectOut, status_code: int = 200) -> Response[Envelope[ProjectOut]]:
    headers = {"ETag": etag(out.version)}
    if status_code == 201:
        headers["Location"] = f"/api/v1/projects/{out.id}"
    return Response(Envelope(data=out), status_code=status_code, headers=headers)


class ProjectController(Controller):
    path = "/api/v1/projects"
    tags = ["projects"]

    @get("/", summary="Projects the caller is a member of, newest first", responses=problem_responses(400, 401))
    async def list_projects(
        self,
        actor: NamedDependency[Actor],
        list_projects: NamedDependency[ListProjects],
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> Page[ProjectOut]:
        found = await list_projects.execute(actor, page_request(limit, cursor, UUID))
        return page_out(found, limit, ProjectOut.of)

    @post(
        "/",
        summary="Create a project (the caller becomes its owner)",
        opt=IDEMPOTENCY_HONOURED,
        responses=problem_responses(400, 401, 409, 422),
    )
    async def create_project(
        self, actor: NamedDependency[Actor], data: JSONBody[ProjectIn], create_project: NamedDependency[CreateProject]
    ) -> Response[Envelope[ProjectOut]]:
        cmd = CreateProjectCommand(
            title=data.title,
            video_provider=None if data.video is None else data.video.provider,
            video_id=None if data.video is None else data.video.id,
        )
        return _project_response(ProjectOut.of(await create_project.execute(actor, cmd)), 201)

    @get("/{project_id:uuid}", summary="One project", responses=problem_responses(401, 404))
    async def get_project(
        self, actor: NamedDependency[Actor], project_id: FromPath[UUID], get_project: NamedDependency[GetProject]
    ) -> Response[Envelope[ProjectOut]]:
        return _project_response(ProjectOut.of(await get_project.execute(actor, project_id)))

    @patch(
        "/{project_id:uuid}",
        summary="Rename a project (If-Match)",
        responses=problem_responses(400, 401, 403, 404, 412, 422),
    )
    async def update_project(
        self,
        actor: NamedDependency[Actor],
        project_id: FromPath[UUID],
        data: JSONBody[ProjectPatch],
        update_project: NamedDependency[UpdateProject],
        if_match: IfMatch = None,
    ) -> Response[Envelope[ProjectOut]]:
        cmd = UpdateProjectCommand(project_id=project_id, title=data.title, expected_version=expected_version(if_match))
        return _project_response(ProjectOut.of(await update_project.execute(actor, cmd)))

    @delete(
        "/{project_id:uuid}",
        summary="Soft-delete a project (owner only, If-Match)",
        responses=problem_responses(401, 403, 404, 412),
    )
    async def delete_project(
        self,
        actor: NamedDependency[Actor],
        project_id: FromPath[UUID],
        delete_project: NamedDependency[DeleteProject],
        if_match: IfMatch = None,
    ) -> None:
        await delete_project.execute(actor, project_id, expected_version=expected_version(if_match))

    @get(
        "/{project_id:uuid}/members",
        summary="Members and their roles; owners also see pending invitations (`status: pending`)",
        responses=problem_responses(400, 401, 404),
    )
    async def list_members(
        self,
        actor: NamedDependency[Actor],
        project_id: FromPath[UUID],
        list_members: NamedDependency[ListMembers],
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> Page[MemberOut]:
        found = await list_members.execute(actor, project_id, page_request(limit, cursor, RosterKey))
        return page_out(found, limit, MemberOut.of)

    @post(
        "/{project_id:uuid}/members",
        summary="Invite a member by email (owner only): a pending invitation the addressee accepts",
        description=(
            "The answer is the same whether or not the email has an account: the invitation waits for "
            "whoever signs in with that email (`GET /api/v1/me/invitations`). Inviting the same email again "
            "renews the pending invitation (role and expiry). 409 `already_member` only for current members."
        ),
        opt=IDEMPOTENCY_HONOURED,
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    async def invite_member(
        self,
        actor: NamedDependency[Actor],
        project_id: FromPath[UUID],
        data: JSONBody[MemberIn],
        invite_member: NamedDependency[InviteMember],
    ) -> Response[Envelope[InvitationOut]]:
        cmd = InviteMemberCommand(project_id=project_id, email=data.email, role=ProjectRole(data.role))
        invitation = await invite_member.execute(actor, cmd)
        location = f"/api/v1/projects/{project_id}/invitations/{invitation.id}"
        return Response(Envelope(data=InvitationOut.of(invitation)), status_code=201, headers={"Location": location})

    @delete(
        "/{project_id:uuid}/members/{user_id:uuid}",
        summary="Remove a member (owner only)",
        responses=problem_responses(401, 403, 404, 409),
    )
    async def remove_member(
        self,
        actor: NamedDependency[Actor],
        project_id: FromPath[UUID],
        user_id: FromPath[UUID],
        remove_member: NamedDependency[RemoveMember],
    ) -> None:
        await remove_member.execute(actor, project_id, user_id)
