"""Projects, their members and what each per-project role may do."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from domain.errors import InvariantViolated
from domain.text import check_plain

MAX_TITLE_CHARS = 200
VIDEO_PROVIDERS = frozenset({"dailymotion"})
_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ProjectRole(StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


class ProjectAction(StrEnum):
    READ = "read"  # see the project, its members, tracks, cues, exports and changes
    EDIT = "edit"  # rename the project; create, change and delete tracks and cues; sync
    MANAGE = "manage"  # add and remove members, delete the project


_ALLOWED: dict[ProjectRole, frozenset[ProjectAction]] = {
    ProjectRole.OWNER: frozenset(ProjectAction),
    ProjectRole.EDITOR: frozenset({ProjectAction.READ, ProjectAction.EDIT}),
    ProjectRole.VIEWER: frozenset({ProjectAction.READ}),
}


def role_allows(role: ProjectRole, action: ProjectAction) -> bool:
    return action in _ALLOWED[role]


def check_title(title: str) -> str:
    value = title.strip()
    if not value:
        raise InvariantViolated("title must not be empty", field="title")
    return check_plain(value, field="title", max_chars=MAX_TITLE_CHARS)


class VideoRef(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A video on a provider. Stored as given with status `pending`; metadata is filled in later."""

    provider: str
    id: str
    status: str = "pending"
    title: str | None = None
    duration_ms: int | None = None
    language: str | None = None
    thumbnail_url: str | None = None

    def __post_init__(self) -> None:
        if self.provider not in VIDEO_PROVIDERS:
            raise InvariantViolated(
                f"video provider must be one of {', '.join(sorted(VIDEO_PROVIDERS))}", field="video.provider"
            )
        if not _VIDEO_ID.match(self.id):
            raise InvariantViolated("video id must be 1–64 letters, digits, '-' or '_'", field="video.id")


class Project(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    title: str
    owner_id: UUID
    created_at: datetime
    updated_at: datetime
    version: int = 1
    video: VideoRef | None = None

    def __post_init__(self) -> None:
        check_title(self.title)


class Member(msgspec.Struct, frozen=True, kw_only=True):
    project_id: UUID
    user_id: UUID
    role: ProjectRole
    email: str = ""
    display_name: str = ""
