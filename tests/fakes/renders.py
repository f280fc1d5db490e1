"""In-memory renders, tracks and job queue behind the renders unit-of-work ports (writes apply on commit)."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Self
from uuid import UUID

import msgspec

from application.pagination import PageOf, PageRequest, page_from
from application.ports.lexicons import StoredLexicon
from application.ports.renders import HeartbeatAck, JobInfo, RenderAccess, TrackImportJob, TrackRole
from domain.cast import Cast
from domain.projects import ProjectRole
from domain.render_report import CueFitReport
from domain.renders import Progress, Render, RenderStatus
from domain.speaking_rate import RateSums
from domain.timing import RenderCue
from tests.fakes.media import InMemoryMediaRepository
from tests.fakes.subtitles import InMemoryLexicons

replace = msgspec.structs.replace


@dataclass
class RendersState:
    renders: dict[UUID, Render] = field(default_factory=dict)
    cues: dict[UUID, list[RenderCue]] = field(default_factory=dict)
    reports: dict[UUID, list[CueFitReport]] = field(default_factory=dict)
    tracks: dict[UUID, list[RenderCue]] = field(default_factory=dict)
    roles: dict[tuple[UUID, UUID], ProjectRole] = field(default_factory=dict)  # (track, user) -> role
    languages: dict[UUID, str] = field(default_factory=dict)  # track -> language
    casts: dict[UUID, Cast] = field(default_factory=dict)  # track -> its project's cast
    jobs: dict[int, JobInfo] = field(default_factory=dict)
    job_args: dict[int, dict[str, Any]] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)
    speaking_rates: dict[str, RateSums] = field(default_factory=dict)
    lexicons: dict[UUID, StoredLexicon] = field(default_factory=dict)  # by track (one project per track here)
    commits: int = 0
    media: dict[UUID, Any] = field(default_factory=dict)
    track_projects: dict[UUID, UUID] = field(default_factory=dict)


class InMemoryRenderRepository:
    def __init__(self, state: RendersState) -> None:
        self._s = state

    async def add(self, render: Render, cues: Sequence[RenderCue]) -> None:
        self._s.renders[render.id] = render
        self._s.cues[render.id] = list(cues)

    async def get(self, render_id: UUID) -> Render | None:
        return self._s.renders.get(render_id)

    async def access(self, render_id: UUID, user_id: UUID) -> RenderAccess | None:
        render = self._s.renders.get(render_id)
        if render is None:
            return None
        return RenderAccess(render=render, role=self._s.roles.get((render.track_id, user_id)))

    async def report(self, render_id: UUID, page: PageRequest[int]) -> PageOf[CueFitReport]:
        offset = 0 if page.after is None else max(0, page.after + 1)
        rows = list(enumerate(self._s.reports.get(render_id, [])))[offset : offset + page.fetch]
        return page_from(rows, page, lambda row: row[0]).map(lambda row: row[1])

    async def cues(self, render_id: UUID) -> list[RenderCue]:
        return list(self._s.cues.get(render_id, []))

    async def full_report(self, render_id: UUID) -> list[CueFitReport] | None:
        found = self._s.reports.get(render_id)
        return None if found is None else list(found)

    async def list_for_track(self, track_id: UUID, page: PageRequest[UUID]) -> PageOf[Render]:
        rows = sorted((r for r in self._s.renders.values() if r.track_id == track_id), key=lambda r: r.id, reverse=True)
        before = [r for r in rows if page.after is None or r.id < page.after][: page.fetch]
        return page_from(before, page, lambda r: r.id)

    async def set_job(self, render_id: UUID, job_id: int) -> None:
        self._update(render_id, job_id=job_id)

    def _update(self, render_id: UUID, **changes: Any) -> Render:
        render = replace(self._s.renders[render_id], **changes)
        self._s.renders[render_id] = render
        return render

    def _in(self, render_id: UUID, *statuses: RenderStatus, run: int | None = None) -> bool:
        render = self._s.renders.get(render_id)
        owned = run is None or (render is not None and render.attempts == run)
        return render is not None and render.status in statuses and owned

    async def start(self, render_id: UUID, *, at: datetime) -> Render | None:
        if not self._in(render_id, RenderStatus.QUEUED, RenderStatus.RUNNING):
            return None
        render = self._s.renders[render_id]
        return self._update(
            render_id,
            status=RenderStatus.RUNNING,
            attempts=render.attempts + 1,
            heartbeat_at=at,
            updated_at=at,
            started_at=render.started_at or at,
            progress=Progress(done=0, total=render.progress.total),
        )

    async def heartbeat(
        self, render_id: UUID, *, done: int, total: int, at: datetime, run: int | None = None
    ) -> HeartbeatAck:
        if not self._in(render_id, RenderStatus.RUNNING, run=run):
            return HeartbeatAck(running=False, cancel_requested=False)
        render = self._update(render_id, progress=Progress(done=done, total=total), heartbeat_at=at, updated_at=at)
        return HeartbeatAck(running=True, cancel_requested=render.cancel_requested)

    async def succeed(
        self,
        render_id: UUID,
        *,
        stats: dict[str, Any],
        report: Sequence[CueFitReport],
        duration_ms: int,
        size_bytes: int,
        at: datetime,
        run: int | None = None,
    ) -> bool:
        if not self._in(render_id, RenderStatus.RUNNING, run=run):
            return False
        total = self._s.renders[render_id].progress.total
        self._update(
            render_id,
            status=RenderStatus.SUCCEEDED,
            stats=stats,
            duration_ms=duration_ms,
            size_bytes=size_bytes,
            progress=Progress(done=total, total=total),
            error=None,
            updated_at=at,
            finished_at=at,
        )
        self._s.reports[render_id] = list(report)
        return True

    async def fail(self, render_id: UUID, *, error: dict[str, Any], at: datetime, run: int | None = None) -> bool:
        if not self._in(render_id, RenderStatus.QUEUED, RenderStatus.RUNNING, run=run):
            return False
        self._update(render_id, status=RenderStatus.FAILED, error=error, updated_at=at, finished_at=at)
        return True

    async def requeue(
        self, render_id: UUID, *, error: dict[str, Any] | None, at: datetime, run: int | None = None
    ) -> bool:
        if not self._in(render_id, RenderStatus.RUNNING, run=run):
            return False
        current = self._s.renders[render_id].error
        self._update(render_id, status=RenderStatus.QUEUED, error=error or current, updated_at=at)
        return True

    async def cancel(self, render_id: UUID, *, at: datetime, run: int | None = None) -> bool:
        if not self._in(render_id, RenderStatus.QUEUED, RenderStatus.RUNNING, run=run):
            return False
        self._update(render_id, status=RenderStatus.CANCELLED, cancel_requested=True, updated_at=at, finished_at=at)
        return True

    async def request_cancel(self, render_id: UUID, *, at: datetime) -> None:
        if self._in(render_id, RenderStatus.QUEUED, RenderStatus.RUNNING):
            self._update(render_id, cancel_requested=True, updated_at=at)

    async def lock_and_count_queued(self, user_id: UUID) -> int:
        return sum(1 for r in self._s.renders.values() if r.requested_by == user_id and r.status is RenderStatus.QUEUED)

    async def find_by_job(self, job_id: int) -> Render | None:
        return next((r for r in self._s.renders.values() if r.job_id == job_id), None)

    async def reopen(self, render_id: UUID, *, at: datetime) -> None:
        if self._in(render_id, RenderStatus.FAILED, RenderStatus.CANCELLED):
            total = self._s.renders[render_id].progress.total
            self._update(
                render_id,
                status=RenderStatus.QUEUED,
                error=None,
                cancel_requested=False,
                progress=Progress(done=0, total=total),
                finished_at=None,
                updated_at=at,
            )


class InMemoryTrackSource:
    def __init__(self, state: RendersState) -> None:
        self._s = state

    async def access(self, track_id: UUID, user_id: UUID) -> TrackRole | None:
        if track_id not in self._s.tracks:
            return None
        return TrackRole(
            track_id=track_id,
            role=self._s.roles.get((track_id, user_id)),
            language=self._s.languages.get(track_id, "en"),
            cast=self._s.casts.get(track_id),
        )

    async def snapshot(self, track_id: UUID) -> list[RenderCue]:
        return sorted(self._s.tracks[track_id], key=lambda cue: (cue.start_ms, cue.id))


class InMemorySpeakingRates:
    def __init__(self, state: RendersState) -> None:
        self._s = state

    async def get(self, voices: Iterable[str]) -> dict[str, RateSums]:
        return {voice: self._s.speaking_rates[voice] for voice in voices if voice in self._s.speaking_rates}

    async def add(self, sums: Mapping[str, RateSums]) -> None:
        for voice, item in sums.items():
            self._s.speaking_rates[voice] = self._s.speaking_rates.get(voice, RateSums()).merged(item)


class InMemoryJobQueue:
    def __init__(self, state: RendersState) -> None:
        self._s = state

    async def defer_render(self, render_id: UUID, *, trace_id: str | None) -> int:
        job_id = max(self._s.jobs, default=0) + 1
        self._s.jobs[job_id] = JobInfo(
            id=job_id, task="subdub:render", status="todo", attempts=0, last_error=None, trace_id=trace_id,
            created_at=None,
        )  # fmt: skip
        self._s.job_args[job_id] = {"render_id": str(render_id), "trace_id": trace_id}
        return job_id

    async def defer_track_import(self, job: TrackImportJob) -> int:
        job_id = max(self._s.jobs, default=0) + 1
        self._s.jobs[job_id] = JobInfo(
            id=job_id, task="subdub:import_track", status="todo", attempts=0, last_error=None,
            trace_id=job.trace_id, created_at=None,
        )  # fmt: skip
        self._s.job_args[job_id] = msgspec.to_builtins(job)
        return job_id

    async def defer_video_fill(self, project_id: UUID, *, trace_id: str | None) -> int:
        job_id = max(self._s.jobs, default=0) + 1
        self._s.jobs[job_id] = JobInfo(
            id=job_id, task="subdub:fill_project_video", status="todo", attempts=0, last_error=None,
            trace_id=trace_id, created_at=None,
        )  # fmt: skip
        self._s.job_args[job_id] = {"project_id": str(project_id), "trace_id": trace_id}
        return job_id

    async def cancel(self, job_id: int) -> bool:
        job = self._s.jobs.get(job_id)
        if job is None or job.status != "todo":
            return False
        self._s.jobs[job_id] = replace(job, status="cancelled")
        return True

    async def list(self, page: PageRequest[int], *, status: str | None) -> PageOf[JobInfo]:
        rows = sorted(self._s.jobs.values(), key=lambda j: j.id, reverse=True)
        found = [
            j for j in rows if (status is None or j.status == status) and (page.after is None or j.id < page.after)
        ]
        return page_from(found[: page.fetch], page, lambda j: j.id)

    async def get(self, job_id: int) -> JobInfo | None:
        return self._s.jobs.get(job_id)

    async def retry(self, job_id: int) -> bool:
        job = self._s.jobs.get(job_id)
        if job is None or job.status not in ("failed", "cancelled", "aborted"):
            return False
        self._s.jobs[job_id] = replace(job, status="todo", attempts=0)
        return True


class RecordingAuditLog:
    def __init__(self, state: RendersState) -> None:
        self._s = state

    async def record(
        self,
        actor: Any,
        action: str,
        entity: str,
        entity_id: UUID | None,
        changes: dict[str, Any] | None = None,
        *,
        trace_id: str | None = None,
    ) -> None:
        self._s.audit.append(
            {"actor": actor, "action": action, "entity": entity, "entity_id": entity_id, "changes": changes,
             "trace_id": trace_id}
        )  # fmt: skip


class InMemoryRendersUnitOfWork:
    """Each unit of work edits a copy of the shared state; commit publishes it, leaving without commit drops it."""

    def __init__(self, state: RendersState) -> None:
        self._shared = state
        self._work = state

    async def __aenter__(self) -> Self:
        self._work = copy.deepcopy(self._shared)
        self.renders = InMemoryRenderRepository(self._work)
        self.track_source = InMemoryTrackSource(self._work)
        self.jobs = InMemoryJobQueue(self._work)
        self.media = InMemoryMediaRepository(self._work.media, self._work.track_projects)
        self.audit = RecordingAuditLog(self._work)
        self.speaking_rates = InMemorySpeakingRates(self._work)
        self.lexicons = InMemoryLexicons(self._work.lexicons, {})
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    async def commit(self) -> None:
        for name in (
            "renders",
            "cues",
            "reports",
            "tracks",
            "roles",
            "jobs",
            "job_args",
            "audit",
            "speaking_rates",
            "lexicons",
        ):
            setattr(self._shared, name, getattr(self._work, name))
        self._shared.commits += 1
