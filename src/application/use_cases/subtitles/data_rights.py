"""The subtitles area's part of the right to be forgotten (S-SEC-9): export and erase a user's projects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID

import msgspec

from application.pagination import each_item
from application.ports.projects import ProjectAccess
from application.ports.subtitles_uow import SubtitlesUnitOfWork
from application.ports.unit_of_work import UnitOfWork
from application.use_cases.subtitles.common import EXPORT_BATCH, audit_changes
from domain.projects import ProjectRole
from domain.subtitles import Cue, Track


def _memberships(uow: SubtitlesUnitOfWork, user_id: UUID) -> AsyncIterator[ProjectAccess]:
    return each_item(lambda page: uow.projects.list_for_member(user_id, page))


def _tracks(uow: SubtitlesUnitOfWork, project_id: UUID) -> AsyncIterator[Track]:
    return each_item(lambda page: uow.tracks.list(project_id, page))


async def _cues(uow: SubtitlesUnitOfWork, track_id: UUID) -> AsyncIterator[Cue]:
    async for stored in each_item(lambda page: uow.cues.page(track_id, page), batch=EXPORT_BATCH):
        yield stored.cue


async def _owned_tracks(uow: SubtitlesUnitOfWork, project_id: UUID) -> AsyncIterator[dict[str, Any]]:
    async for track in _tracks(uow, project_id):
        yield {**msgspec.to_builtins(track), "cues": _cues(uow, track.id)}


async def _entries(uow: SubtitlesUnitOfWork, user_id: UUID) -> AsyncIterator[dict[str, Any]]:
    async for access in _memberships(uow, user_id):
        entry: dict[str, Any] = {"role": access.role.value if access.role else None}
        entry["project"] = msgspec.to_builtins(access.project)
        if access.role is ProjectRole.OWNER:
            entry["tracks"] = _owned_tracks(uow, access.project.id)
        yield entry


class ProjectsDataContributor:
    """Exports the user's memberships and everything in the projects they own; erasure deletes the
    projects they own and removes them from the others."""

    section = "projects"

    async def export(self, uow: UnitOfWork, user_id: UUID) -> object:
        """Memberships, and the tracks and cues of owned projects, read a page at a time as they are sent."""
        return _entries(cast(SubtitlesUnitOfWork, uow), user_id)

    async def erase(self, uow: UnitOfWork, user_id: UUID, *, now: datetime) -> None:
        subtitles = cast(SubtitlesUnitOfWork, uow)
        owned: list[UUID] = []
        joined: list[UUID] = []
        async for access in _memberships(subtitles, user_id):
            (owned if access.project.owner_id == user_id else joined).append(access.project.id)
        for project_id in owned:
            await subtitles.projects.soft_delete(project_id, at=now)
            await subtitles.audit.record(
                None, "project.deleted", "project", project_id, audit_changes(project_id, reason="owner erased")
            )
        for project_id in joined:
            await subtitles.members.remove(project_id, user_id)
            await subtitles.audit.record(
                None, "member.removed", "project", project_id, audit_changes(project_id, reason="member erased")
            )


# Stored invitations are exported whether or not they have expired: every one since this instant.
_EVER = datetime(1970, 1, 1, tzinfo=UTC)


async def _invitations(uow: SubtitlesUnitOfWork, email: str) -> AsyncIterator[dict[str, Any]]:
    async for view in each_item(lambda page: uow.invitations.for_email(email, page, now=_EVER)):
        invitation = view.invitation
        yield {
            "id": invitation.id,
            "project_id": invitation.project_id,
            "project_title": view.project_title,
            "role": invitation.role.value,
            "created_at": invitation.created_at,
            "expires_at": invitation.expires_at,
        }


class InvitationsDataContributor:
    """Exports the invitations addressed to the user's email; erasure deletes them."""

    section = "invitations"

    async def export(self, uow: UnitOfWork, user_id: UUID) -> object:
        subtitles = cast(SubtitlesUnitOfWork, uow)
        user = await subtitles.users.find(user_id)
        return [] if user is None or not user.email else _invitations(subtitles, user.email)

    async def erase(self, uow: UnitOfWork, user_id: UUID, *, now: datetime) -> None:
        subtitles = cast(SubtitlesUnitOfWork, uow)
        user = await subtitles.users.find(user_id)
        if user is not None and user.email:
            await subtitles.invitations.delete_for_email(user.email)
