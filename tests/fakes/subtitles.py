"""In-memory projects, tracks and cues behind the same ports as the PostgreSQL repositories."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Self
from uuid import UUID

import msgspec

from application.actor import Actor
from application.pagination import PageOf, PageRequest, page_from
from application.ports.casts import StoredCast
from application.ports.lexicons import StoredLexicon
from application.ports.projects import ProjectAccess, RosterKey
from application.ports.tracks import CueKey, StoredCue, TrackAccess
from domain.cast import Cast
from domain.invitations import Invitation, InvitationView
from domain.lexicon import Lexicon
from domain.projects import Member, Project, ProjectRole, VideoRef
from domain.subtitles import Track
from domain.sync import CueVersion
from tests.fakes.media import InMemoryMediaRepository


@dataclass
class Store:
    projects: dict[UUID, Project] = field(default_factory=dict)
    deleted_projects: set[UUID] = field(default_factory=set)
    members: dict[tuple[UUID, UUID], Member] = field(default_factory=dict)
    tracks: dict[UUID, Track] = field(default_factory=dict)
    deleted_tracks: set[UUID] = field(default_factory=set)
    track_seq: dict[UUID, int] = field(default_factory=dict)
    import_jobs: dict[int, UUID] = field(default_factory=dict)
    cues: dict[UUID, StoredCue] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)
    users_by_email: dict[str, Any] = field(default_factory=dict)
    casts: dict[UUID, StoredCast] = field(default_factory=dict)
    media: dict[UUID, Any] = field(default_factory=dict)
    lexicons: dict[UUID, StoredLexicon] = field(default_factory=dict)
    invitations: dict[UUID, Invitation] = field(default_factory=dict)


class FakeProjects:
    def __init__(self, s: Store) -> None:
        self.s = s

    async def add(self, project: Project) -> None:
        self.s.projects[project.id] = project

    async def access(self, project_id: UUID, user_id: UUID, *, for_update: bool = False) -> ProjectAccess | None:
        project = self.s.projects.get(project_id)
        if project is None or project_id in self.s.deleted_projects:
            return None
        member = self.s.members.get((project_id, user_id))
        return ProjectAccess(project=project, role=None if member is None else member.role)

    async def list_for_member(self, user_id: UUID, page: PageRequest[UUID]) -> PageOf[ProjectAccess]:
        ids = sorted(
            (p for (p, u) in self.s.members if u == user_id and p not in self.s.deleted_projects), reverse=True
        )
        ids = [p for p in ids if page.after is None or p < page.after][: page.fetch]
        rows = [ProjectAccess(project=self.s.projects[p], role=self.s.members[(p, user_id)].role) for p in ids]
        return page_from(rows, page, lambda access: access.project.id)

    async def update(self, project: Project) -> None:
        self.s.projects[project.id] = project

    async def soft_delete(self, project_id: UUID, *, at: datetime) -> None:
        self.s.deleted_projects.add(project_id)

    async def pending_videos(self, *, limit: int) -> list[Project]:
        live = (p for i, p in sorted(self.s.projects.items()) if i not in self.s.deleted_projects)
        return [p for p in live if p.video is not None and p.video.status == "pending"][:limit]

    async def pending_video(self, project_id: UUID) -> VideoRef | None:
        project = self.s.projects.get(project_id)
        if project is None or project_id in self.s.deleted_projects or project.video is None:
            return None
        return project.video if project.video.status == "pending" else None

    async def fill_video(self, project_id: UUID, video: VideoRef, *, at: datetime) -> bool:
        project = self.s.projects.get(project_id)
        if project is None or project_id in self.s.deleted_projects or project.video is None:
            return False
        if project.video.status != "pending" or project.video.id != video.id:
            return False
        self.s.projects[project_id] = msgspec.structs.replace(
            project, video=video, version=project.version + 1, updated_at=at
        )
        return True


class FakeMembers:
    def __init__(self, s: Store) -> None:
        self.s = s

    async def add(self, member: Member, *, at: datetime) -> None:
        self.s.members[(member.project_id, member.user_id)] = member

    async def roster(
        self, project_id: UUID, page: PageRequest[RosterKey], *, pending_at: datetime | None
    ) -> PageOf[Member | Invitation]:
        after = page.after
        members = sorted((m for (p, _), m in self.s.members.items() if p == project_id), key=lambda m: m.user_id)
        entries: list[tuple[RosterKey, Member | Invitation]] = [(RosterKey(False, m.user_id), m) for m in members]
        if pending_at is not None:
            open_ = sorted(
                (i for i in self.s.invitations.values() if i.project_id == project_id and i.expires_at > pending_at),
                key=lambda i: i.id,
            )
            entries += [(RosterKey(True, i.id), i) for i in open_]
        keyed = [(k, e) for k, e in entries if after is None or (k.pending, k.id) > (after.pending, after.id)]
        return page_from(keyed[: page.fetch], page, lambda row: row[0]).map(lambda row: row[1])

    async def role_of_email(self, project_id: UUID, email: str) -> ProjectRole | None:
        user = self.s.users_by_email.get(email)
        member = None if user is None else self.s.members.get((project_id, user.id))
        return None if member is None else member.role

    async def remove(self, project_id: UUID, user_id: UUID) -> bool:
        return self.s.members.pop((project_id, user_id), None) is not None


class FakeInvitations:
    def __init__(self, s: Store) -> None:
        self.s = s

    async def put(self, invitation: Invitation) -> Invitation:
        same = next(
            (
                i
                for i in self.s.invitations.values()
                if (i.project_id, i.email) == (invitation.project_id, invitation.email)
            ),
            None,
        )
        stored = invitation if same is None else msgspec.structs.replace(invitation, id=same.id)
        self.s.invitations[stored.id] = stored
        return stored

    async def get(self, invitation_id: UUID, *, for_update: bool = False) -> Invitation | None:
        found = self.s.invitations.get(invitation_id)
        return None if found is None or found.project_id in self.s.deleted_projects else found

    async def for_email(self, email: str, page: PageRequest[UUID], *, now: datetime) -> PageOf[InvitationView]:
        found = sorted(
            (
                i
                for i in self.s.invitations.values()
                if i.email == email and i.expires_at > now and i.project_id not in self.s.deleted_projects
            ),
            key=lambda i: i.id,
        )
        after = [i for i in found if page.after is None or i.id > page.after][: page.fetch]
        views = [InvitationView(invitation=i, project_title=self.s.projects[i.project_id].title) for i in after]
        return page_from(views, page, lambda view: view.invitation.id)

    async def delete(self, project_id: UUID, invitation_id: UUID) -> bool:
        found = self.s.invitations.get(invitation_id)
        if found is None or found.project_id != project_id:
            return False
        del self.s.invitations[invitation_id]
        return True

    async def delete_for_email(self, email: str) -> int:
        gone = [i.id for i in self.s.invitations.values() if i.email == email]
        for invitation_id in gone:
            del self.s.invitations[invitation_id]
        return len(gone)


class FakeTracks:
    def __init__(self, s: Store) -> None:
        self.s = s

    def _live(self, track_id: UUID) -> Track | None:
        track = self.s.tracks.get(track_id)
        if track is None or track_id in self.s.deleted_tracks or track.project_id in self.s.deleted_projects:
            return None
        return track

    def _with_stats(self, track: Track) -> Track:
        live = [c.cue for c in self.s.cues.values() if c.track_id == track.id and not c.deleted]
        return msgspec.structs.replace(track, cue_count=len(live), duration_ms=max((c.end_ms for c in live), default=0))

    async def add(self, track: Track) -> None:
        self.s.tracks[track.id] = track
        self.s.track_seq[track.id] = 0

    async def add_imported(self, track: Track, *, job_id: int) -> bool:
        if job_id in self.s.import_jobs:
            return False
        await self.add(track)
        self.s.import_jobs[job_id] = track.id
        return True

    async def find_imported(self, job_id: int) -> Track | None:
        track_id = self.s.import_jobs.get(job_id)
        return None if track_id is None else self._with_stats(self.s.tracks[track_id])

    async def access(self, track_id: UUID, user_id: UUID, *, with_stats: bool = False) -> TrackAccess | None:
        track = self._live(track_id)
        if track is None:
            return None
        member = self.s.members.get((track.project_id, user_id))
        return TrackAccess(track=self._with_stats(track) if with_stats else track, role=member.role if member else None)

    async def list(self, project_id: UUID, page: PageRequest[UUID]) -> PageOf[Track]:
        found = sorted(
            (t for t in self.s.tracks.values() if t.project_id == project_id and self._live(t.id)), key=lambda t: t.id
        )
        rows = [self._with_stats(t) for t in found if page.after is None or t.id > page.after][: page.fetch]
        return page_from(rows, page, lambda track: track.id)

    async def update(self, track: Track) -> None:
        self.s.tracks[track.id] = track

    async def soft_delete(self, track_id: UUID, *, at: datetime) -> None:
        self.s.deleted_tracks.add(track_id)

    async def lock(self, track_id: UUID) -> int:
        return self.s.track_seq[track_id]

    async def reserve_changes(self, track_id: UUID, count: int) -> int:
        first = self.s.track_seq[track_id] + 1
        self.s.track_seq[track_id] += count
        return first


class FakeCues:
    def __init__(self, s: Store) -> None:
        self.s = s

    async def page(self, track_id: UUID, page: PageRequest[CueKey]) -> PageOf[StoredCue]:
        after = page.after
        live = sorted(
            (c for c in self.s.cues.values() if c.track_id == track_id and not c.deleted),
            key=lambda c: (c.cue.start_ms, c.cue.id),
        )
        rows = [c for c in live if after is None or (c.cue.start_ms, c.cue.id) > (after.start_ms, after.id)]
        return page_from(rows[: page.fetch], page, lambda stored: stored.key)

    async def page_with_role(
        self, track_id: UUID, user_id: UUID, page: PageRequest[CueKey]
    ) -> tuple[ProjectRole | None, PageOf[StoredCue]] | None:
        access = await FakeTracks(self.s).access(track_id, user_id)
        if access is None:
            return None
        cues: PageOf[StoredCue] = PageOf(items=[]) if access.role is None else await self.page(track_id, page)
        return access.role, cues

    async def get(self, track_id: UUID, cue_id: UUID, *, for_update: bool = False) -> StoredCue | None:
        found = self.s.cues.get(cue_id)
        return found if found is not None and found.track_id == track_id and not found.deleted else None

    async def find_many(self, cue_ids: Sequence[UUID]) -> dict[UUID, StoredCue]:
        return {i: self.s.cues[i] for i in cue_ids if i in self.s.cues}

    async def write_many(self, track_id: UUID, versions: Sequence[tuple[CueVersion, int]], *, at: datetime) -> None:
        for version, seq in versions:
            existing = self.s.cues.get(version.cue.id)
            if existing is None or existing.track_id == track_id:
                self.s.cues[version.cue.id] = StoredCue(
                    track_id=track_id, cue=version.cue, deleted=version.deleted, seq=seq
                )

    async def changes(self, track_id: UUID, *, after_seq: int, limit: int) -> list[StoredCue]:
        found = sorted(
            (c for c in self.s.cues.values() if c.track_id == track_id and c.seq > after_seq), key=lambda c: c.seq
        )
        return found[:limit]


class FakeAudit:
    def __init__(self, s: Store) -> None:
        self.s = s

    async def record(
        self,
        actor: Actor | None,
        action: str,
        entity: str,
        entity_id: UUID | None,
        changes: Any = None,
        *,
        trace_id: str | None = None,
    ) -> None:
        self.s.audit.append({"actor": actor, "action": action, "entity": entity, "id": entity_id, "changes": changes})


class FakeCasts:
    def __init__(self, s: Store) -> None:
        self.s = s

    async def get(self, project_id: UUID, *, for_update: bool = False) -> StoredCast | None:
        return self.s.casts.get(project_id)

    async def save(self, project_id: UUID, cast: Cast, *, version: int, at: datetime) -> None:
        self.s.casts[project_id] = StoredCast(project_id=project_id, cast=cast, version=version, updated_at=at)

    async def speakers(self, project_id: UUID) -> set[str]:
        tracks = {
            t.id for t in self.s.tracks.values() if t.project_id == project_id and t.id not in self.s.deleted_tracks
        }
        return {
            stored.cue.speaker
            for stored in self.s.cues.values()
            if stored.track_id in tracks and not stored.deleted and stored.cue.speaker is not None
        }


class FakeUsers:
    def __init__(self, s: Store) -> None:
        self.s = s

    async def find_by_email(self, email: str) -> Any:
        return self.s.users_by_email.get(email)

    async def find(self, user_id: UUID) -> Any:
        return next((u for u in self.s.users_by_email.values() if u.id == user_id), None)


class InMemoryLexicons:
    def __init__(self, by_project: dict[UUID, StoredLexicon], project_of_track: dict[UUID, UUID]) -> None:
        self.by_project = by_project
        self.project_of_track = project_of_track

    async def get(self, project_id: UUID) -> StoredLexicon | None:
        return self.by_project.get(project_id)

    async def for_track(self, track_id: UUID) -> Lexicon | None:
        stored = self.by_project.get(self.project_of_track.get(track_id, track_id))
        return None if stored is None else stored.lexicon

    async def put(self, project_id: UUID, lexicon: Lexicon, *, version: int, at: datetime) -> None:
        self.by_project[project_id] = StoredLexicon(lexicon=lexicon, version=version, updated_at=at)


class FakeSubtitlesUnitOfWork:
    """Writes go straight to the store: enough for use cases that validate before they write."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.projects = FakeProjects(store)
        self.members = FakeMembers(store)
        self.invitations = FakeInvitations(store)
        self.tracks = FakeTracks(store)
        self.cues = FakeCues(store)
        self.casts = FakeCasts(store)
        self.audit = FakeAudit(store)
        self.users = FakeUsers(store)
        self.media = InMemoryMediaRepository(store.media)
        self.lexicons = InMemoryLexicons(store.lexicons, {})
        self.commits = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    async def commit(self) -> None:
        self.commits += 1


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


class SequentialIds:
    def __init__(self) -> None:
        self.count = 0

    def new_id(self) -> UUID:
        self.count += 1
        return UUID(int=(7 << 76) | self.count)
