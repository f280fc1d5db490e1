"""The unit of work a track import is requested in: the project and its members, plus the job queue."""

from __future__ import annotations

from typing import Protocol

from application.ports.renders import JobQueue
from application.ports.subtitles_uow import SubtitlesUnitOfWork


class TrackImportsUnitOfWork(SubtitlesUnitOfWork, Protocol):
    jobs: JobQueue
