"""Storage of projects and their members; each repository runs in the unit of work's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

import msgspec

from domain.projects import Member, Project, ProjectRole, VideoRef


class ProjectAccess(msgspec.Struct, frozen=True, kw_only=True):
    """A live project and the caller's role in it (None: not a member)."""

    project: Project
    role: ProjectRole | None


class ProjectRepository(Protocol):
    async def add(self, project: Project) -> None: ...

    async def access(self, project_id: UUID, user_id: UUID, *, for_update: bool = False) -> ProjectAccess | None:
        """The live project and the user's role; None when the project does not exist or is deleted."""
        ...

    async def list_for_member(self, user_id: UUID, *, limit: int, before_id: UUID | None) -> list[ProjectAccess]:
        """Live projects the user is a member of, newest first, ids below `before_id`, `limit` rows."""
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

    async def list(self, project_id: UUID, *, limit: int, after_user_id: UUID | None) -> list[Member]:
        """Members with email and display name, by user id, after the cursor, `limit` rows."""
        ...

    async def remove(self, project_id: UUID, user_id: UUID) -> bool: ...
