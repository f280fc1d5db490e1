"""Projects: create, list, read, rename, soft-delete.

A project created while its video provider is down keeps the video `pending` and queues, in its own
transaction, the `fill_project_video` job that looks the video up again with retries (a periodic sweep
catches what that job could not fill). With the provider not configured here, nothing is queued.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from application.actor import Actor
from application.pagination import PageOf, PageRequest
from application.ports.catalog import VideoCatalog
from application.ports.clock import Clock, IdGenerator
from application.ports.projects import ProjectAccess
from application.ports.subtitles_uow import QueuedUnitOfWork, SubtitlesUnitOfWork
from application.use_cases.catalogue.resolve_video import resolve_video
from application.use_cases.subtitles.common import audit_changes, check_version, end_read, project_for
from domain.projects import Member, Project, ProjectAction, ProjectRole, VideoRef, check_title


class CreateProjectCommand(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    video_provider: str | None = None
    video_id: str | None = None


class CreateProject:
    def __init__(
        self, uow: QueuedUnitOfWork, clock: Clock, ids: IdGenerator, videos: VideoCatalog | None = None
    ) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids
        self._videos = videos

    async def execute(self, actor: Actor, cmd: CreateProjectCommand) -> ProjectAccess:
        video = None
        if cmd.video_provider is not None or cmd.video_id is not None:
            # Looked up before the transaction (no network call while holding a connection).
            video = await resolve_video(self._videos, cmd.video_provider or "", cmd.video_id or "")
        now = self._clock.now()
        project = Project(
            id=self._ids.new_id(),
            title=check_title(cmd.title),
            owner_id=actor.user_id,
            video=video,
            created_at=now,
            updated_at=now,
        )
        async with self._uow as uow:
            await uow.projects.add(project)
            await uow.members.add(Member(project_id=project.id, user_id=actor.user_id, role=ProjectRole.OWNER), at=now)
            fill_job = None
            if self._to_fill_later(video):
                fill_job = await uow.jobs.defer_video_fill(project.id, trace_id=actor.trace_id)
            changes = audit_changes(
                project.id, title=project.title, video=None if video is None else str(video.id), video_job_id=fill_job
            )
            await uow.audit.record(actor, "project.created", "project", project.id, changes, trace_id=actor.trace_id)
            await uow.commit()
        return ProjectAccess(project=project, role=ProjectRole.OWNER)

    def _to_fill_later(self, video: VideoRef | None) -> bool:
        """A pending video of a configured provider: it was down, a job will look again."""
        if video is None or video.status != "pending":
            return False
        return self._videos is not None and self._videos.provider == video.provider


class ListProjects:
    def __init__(self, uow: SubtitlesUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, page: PageRequest[UUID]) -> PageOf[ProjectAccess]:
        async with self._uow as uow:
            found = await uow.projects.list_for_member(actor.user_id, page)
            await end_read(uow)
        return found


class GetProject:
    def __init__(self, uow: SubtitlesUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, project_id: UUID) -> ProjectAccess:
        async with self._uow as uow:
            access = await project_for(uow, actor, project_id, ProjectAction.READ)
            await end_read(uow)
        return access


class UpdateProjectCommand(msgspec.Struct, frozen=True, kw_only=True):
    project_id: UUID
    title: str | None = None
    expected_version: int | None = None


class UpdateProject:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, actor: Actor, cmd: UpdateProjectCommand) -> ProjectAccess:
        async with self._uow as uow:
            access = await project_for(uow, actor, cmd.project_id, ProjectAction.EDIT, for_update=True)
            before = access.project
            check_version(cmd.expected_version, before.version, "project")
            title = before.title if cmd.title is None else check_title(cmd.title)
            after = Project(
                id=before.id,
                title=title,
                owner_id=before.owner_id,
                video=before.video,
                version=before.version + 1,
                created_at=before.created_at,
                updated_at=self._clock.now(),
            )
            await uow.projects.update(after)
            changes = audit_changes(before.id, title={"from": before.title, "to": after.title})
            await uow.audit.record(actor, "project.updated", "project", before.id, changes, trace_id=actor.trace_id)
            await uow.commit()
        return ProjectAccess(project=after, role=access.role)


class DeleteProject:
    def __init__(self, uow: SubtitlesUnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, actor: Actor, project_id: UUID, *, expected_version: int | None = None) -> None:
        async with self._uow as uow:
            access = await project_for(uow, actor, project_id, ProjectAction.MANAGE, for_update=True)
            check_version(expected_version, access.project.version, "project")
            await uow.projects.soft_delete(project_id, at=self._clock.now())
            changes = audit_changes(project_id, title=access.project.title)
            await uow.audit.record(actor, "project.deleted", "project", project_id, changes, trace_id=actor.trace_id)
            await uow.commit()
