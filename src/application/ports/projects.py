"""Storage of projects, their members and invitations; each repository runs in the unit of work's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

import msgspec

from application.pagination import PageOf, PageRequest
from domain.invitations import Invitation, InvitationView
from domain.projects import Member, Project, ProjectRole, VideoRef


class ProjectAccess(msgspec.Struct, frozen=True, kw_only=True):
    """A live project and the caller's role in it (None: not a member)."""

    project: Project
    role: ProjectRole | None


class RosterKey(msgspec.Struct, frozen=True, array_like=True):
    """A position in a project's roster: members (pending=False) come before invitations."""

    pending: bool
    id: UUID


class ProjectRepository(Protocol):
    async def add(self, project: Project) -> None: ...

    async def access(self, project_id: UUID, user_id: UUID, *, for_update: bool = False) -> ProjectAccess | None:
        """The live project and the user's role; None when the project does not exist or is deleted."""
        ...

    async def list_for_member(self, user_id: UUID, page: PageRequest[UUID]) -> PageOf[ProjectAccess]:
        """Live projects the user is a member of, newest first (position: the project id)."""
        ...

    async def update(self, project: Project) -> None:
        """Stores title, video, version and updated_at."""
        ...

    async def soft_delete(self, project_id: UUID, *, at: datetime) -> None: ...

    async def pending_videos(self, *, limit: int) -> list[Project]:
        """Live projects whose video metadata is still `pending`, oldest first, `limit` rows."""
        ...

    async def pending_video(self, project_id: UUID) -> VideoRef | None:
        """The live project's video while its metadata is still `pending`; None otherwise."""
        ...

    async def fill_video(self, project_id: UUID, video: VideoRef, *, at: datetime) -> bool:
        """Replaces a still-pending video of the same id (version + 1); False when it changed meanwhile."""
        ...


class MemberRepository(Protocol):
    async def add(self, member: Member, *, at: datetime) -> None:
        """Raises Conflict when the user is already a member."""
        ...

    async def roster(
        self, project_id: UUID, page: PageRequest[RosterKey], *, pending_at: datetime | None
    ) -> PageOf[Member | Invitation]:
        """Members by user id, then (when `pending_at` is given) the invitations still open at that time
        by id (position: a RosterKey)."""
        ...

    async def role_of_email(self, project_id: UUID, email: str) -> ProjectRole | None:
        """The role of the member whose account has this email; None for anyone else."""
        ...

    async def remove(self, project_id: UUID, user_id: UUID) -> bool: ...


class InvitationRepository(Protocol):
    async def put(self, invitation: Invitation) -> Invitation:
        """Stores the invitation; one already pending for the same project and email is renewed in place
        (role, inviter, expiry), keeping its id. Answers the stored invitation."""
        ...

    async def get(self, invitation_id: UUID, *, for_update: bool = False) -> Invitation | None:
        """The invitation to a live project, expired or not; None otherwise."""
        ...

    async def for_email(self, email: str, page: PageRequest[UUID], *, now: datetime) -> PageOf[InvitationView]:
        """Unexpired invitations to live projects addressed to `email`, by id (position: the invitation id)."""
        ...

    async def delete(self, project_id: UUID, invitation_id: UUID) -> bool: ...

    async def delete_for_email(self, email: str) -> int:
        """Every invitation addressed to `email` (its owner erased their account)."""
        ...
