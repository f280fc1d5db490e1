"""Storage of renders, the cues they snapshot, the job queue they ride on, and their change feed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

import msgspec

from application.pagination import PageOf, PageRequest
from domain.cast import Cast
from domain.projects import ProjectRole
from domain.render_report import CueFitReport
from domain.renders import Render
from domain.timing import RenderCue


class TrackRole(msgspec.Struct, frozen=True, kw_only=True):
    """A live track and the caller's role in its project (None: not a member)."""

    track_id: UUID
    role: ProjectRole | None
    language: str | None = None
    cast: Cast | None = None  # the project's cast, when it has one


class RenderAccess(msgspec.Struct, frozen=True, kw_only=True):
    render: Render
    role: ProjectRole | None


class HeartbeatAck(msgspec.Struct, frozen=True, kw_only=True):
    """What a progress/heartbeat write learnt: whether the render is still ours and if a cancel is asked."""

    running: bool
    cancel_requested: bool


class RenderRepository(Protocol):
    async def add(self, render: Render, cues: Sequence[RenderCue]) -> None: ...

    async def get(self, render_id: UUID) -> Render | None: ...

    async def access(self, render_id: UUID, user_id: UUID) -> RenderAccess | None:
        """The render and the user's role in the project of its track; None: no such render."""
        ...

    async def report(self, render_id: UUID, page: PageRequest[int]) -> PageOf[CueFitReport]:
        """A finished render's per-cue report in timeline order (position: the entry's index, from 0)."""
        ...

    async def cues(self, render_id: UUID) -> list[RenderCue]:
        """The cues snapshotted at request time, in timeline order."""
        ...

    async def full_report(self, render_id: UUID) -> list[CueFitReport] | None:
        """The per-cue fit report of a finished render; None before it finished."""
        ...

    async def list_for_track(self, track_id: UUID, page: PageRequest[UUID]) -> PageOf[Render]:
        """Newest first (ids are time-ordered; position: the render id)."""
        ...

    async def set_job(self, render_id: UUID, job_id: int) -> None: ...

    async def start(self, render_id: UUID, *, at: datetime) -> Render | None:
        """queued|running → running, attempts + 1; None when the render is finished (nothing to do).

        The new `attempts` names this run: the writes below take it as `run` and apply only while no
        later run has started (a run whose worker was wrongly thought dead then changes nothing).
        """
        ...

    async def heartbeat(
        self, render_id: UUID, *, done: int, total: int, at: datetime, run: int | None = None
    ) -> HeartbeatAck: ...

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
        """running → succeeded; False when another run finished it or took it over."""
        ...

    async def fail(self, render_id: UUID, *, error: dict[str, Any], at: datetime, run: int | None = None) -> bool: ...

    async def requeue(
        self, render_id: UUID, *, error: dict[str, Any] | None, at: datetime, run: int | None = None
    ) -> bool:
        """Back to queued (a retry follows); `error` keeps the last failure for the curious."""
        ...

    async def cancel(self, render_id: UUID, *, at: datetime, run: int | None = None) -> bool:
        """queued|running → cancelled (from the worker, or for a job that never started)."""
        ...

    async def request_cancel(self, render_id: UUID, *, at: datetime) -> None: ...

    async def lock_and_count_queued(self, user_id: UUID) -> int:
        """The user's renders waiting in the queue; the count holds until the transaction ends (a second
        request of the same user waits for it), so concurrent requests cannot both take the last place."""
        ...

    async def find_by_job(self, job_id: int) -> Render | None: ...

    async def reopen(self, render_id: UUID, *, at: datetime) -> None:
        """failed → queued with progress and error cleared (an admin retry)."""
        ...


class RenderTracks(Protocol):
    async def access(self, track_id: UUID, user_id: UUID) -> TrackRole | None:
        """None when there is no such live track."""
        ...

    async def snapshot(self, track_id: UUID) -> list[RenderCue]:
        """The track's live cues in timeline order."""
        ...


class JobInfo(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    task: str
    status: str  # procrastinate's: todo, doing, succeeded, failed, cancelled, aborted
    attempts: int
    last_error: str | None
    trace_id: str | None
    created_at: datetime | None
    scheduled_at: datetime | None = None


class TrackImportJob(msgspec.Struct, frozen=True, kw_only=True):
    """What the import job needs to run as the user who asked for it."""

    project_id: UUID
    user_id: UUID
    provider: str
    file_id: int
    language: str
    trace_id: str | None


class JobQueue(Protocol):
    """The queue as seen inside a unit of work: every call rides on its transaction."""

    async def defer_render(self, render_id: UUID, *, trace_id: str | None) -> int:
        """Queues the render's job; it exists only if the transaction commits. Returns the job id."""
        ...

    async def defer_track_import(self, job: TrackImportJob) -> int:
        """Queues the import of a provider's subtitle file; it exists only if the transaction commits."""
        ...

    async def defer_video_fill(self, project_id: UUID, *, trace_id: str | None) -> int:
        """Queues the lookup of a project's pending video; it exists only if the transaction commits."""
        ...

    async def cancel(self, job_id: int) -> bool:
        """Cancels a job that has not started; False when it already runs or ended."""
        ...

    async def list(self, page: PageRequest[int], *, status: str | None) -> PageOf[JobInfo]:
        """Newest first (position: the job id)."""
        ...

    async def get(self, job_id: int) -> JobInfo | None: ...

    async def retry(self, job_id: int) -> bool:
        """A failed (dead-lettered) or cancelled job back to the queue with a fresh retry budget."""
        ...


class RenderEvents(Protocol):
    def watch(self, render_id: UUID) -> AbstractAsyncContextManager[RenderSignal]:
        """Subscribe before reading state, so no change between the read and the wait is missed."""
        ...


class RenderSignal(Protocol):
    async def wait(self, timeout_s: float) -> bool:
        """True when the render changed since the last wait; False on timeout."""
        ...


RenderEventStream = AsyncIterator[tuple[str, dict[str, Any]]]
