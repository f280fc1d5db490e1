"""The unit of work a project is created in: the subtitles repositories plus the job queue.

A project whose video could not be looked up (provider down) is stored `pending` and its fill job is
queued on the same transaction, so the job exists if and only if the project does.
"""

from __future__ import annotations

from typing import Protocol

from application.ports.renders import JobQueue
from application.ports.subtitles_uow import SubtitlesUnitOfWork


class ProjectsUnitOfWork(SubtitlesUnitOfWork, Protocol):
    jobs: JobQueue
