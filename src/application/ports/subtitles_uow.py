"""The unit of work as the subtitles area sees it: its repositories plus everything the base one offers."""

from __future__ import annotations

from typing import Protocol

from application.ports.casts import CastRepository
from application.ports.lexicons import LexiconRepository
from application.ports.media import MediaRepository
from application.ports.projects import MemberRepository, ProjectRepository
from application.ports.tracks import CueRepository, TrackRepository
from application.ports.unit_of_work import UnitOfWork


class SubtitlesUnitOfWork(UnitOfWork, Protocol):
    projects: ProjectRepository
    members: MemberRepository
    tracks: TrackRepository
    cues: CueRepository
    casts: CastRepository
    media: MediaRepository
    lexicons: LexiconRepository
