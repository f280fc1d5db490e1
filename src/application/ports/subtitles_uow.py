"""The units of work: the subtitles area's repositories on one transaction, and the same with the job
queue and the renders on it (`QueuedUnitOfWork`: a job exists if and only if its data does)."""

from __future__ import annotations

from typing import Protocol

from application.ports.casts import CastRepository
from application.ports.lexicons import LexiconRepository
from application.ports.media import MediaRepository
from application.ports.projects import InvitationRepository, MemberRepository, ProjectRepository
from application.ports.renders import JobQueue, RenderRepository, RenderTracks
from application.ports.speaking_rates import SpeakingRateRepository
from application.ports.tracks import CueRepository, TrackRepository
from application.ports.unit_of_work import UnitOfWork


class SubtitlesUnitOfWork(UnitOfWork, Protocol):
    projects: ProjectRepository
    members: MemberRepository
    invitations: InvitationRepository
    tracks: TrackRepository
    cues: CueRepository
    casts: CastRepository
    media: MediaRepository
    lexicons: LexiconRepository


class QueuedUnitOfWork(SubtitlesUnitOfWork, Protocol):
    jobs: JobQueue
    renders: RenderRepository
    track_source: RenderTracks
    speaking_rates: SpeakingRateRepository
