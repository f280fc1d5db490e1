"""Use cases of the renders area wired to in-memory fakes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from adapters.system import Uuid7Generator
from application.actor import Actor, GlobalRole
from application.audio_pipeline.voice_over import RenderVoiceOver
from application.use_cases.lexicon_text import MatcherFactory
from application.use_cases.renders.execute_render import ExecuteRender
from application.use_cases.renders.render_run import BeatRenderRun, FinishRenderRun, StartRenderRun
from application.use_cases.renders.request_render import RequestRender
from domain.projects import ProjectRole
from domain.render_options import RenderOptions
from domain.timing import RenderCue
from domain.voices import VoiceRef
from entrypoints.problems import problem_of
from tests.fakes.renders import InMemoryRendersUnitOfWork, RendersState
from tests.fakes.speech import FakeSpeechSynthesizer
from tests.fakes.storage import InMemoryBlobStore, InMemoryClipCache

VOICE = VoiceRef(engine="fake", name="en-test")
OPTIONS = RenderOptions(voice=VOICE, format="wav", sample_rate=16000)


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def actor(role: GlobalRole = GlobalRole.MEMBER) -> Actor:
    return Actor(user_id=uuid4(), role=role, trace_id="trace-unit")


def cues(count: int, text: str = "hello") -> list[RenderCue]:
    return [RenderCue(id=f"c{i}", start_ms=i * 2000, end_ms=i * 2000 + 1500, text=f"{text} {i}") for i in range(count)]


class ManualSignal:
    async def wait(self, timeout_s: float) -> bool:
        return True


class InstantEvents:
    """Every wait returns at once: the watcher re-reads state each time (tests drive the changes)."""

    @asynccontextmanager
    async def watch(self, render_id: UUID) -> AsyncIterator[ManualSignal]:
        yield ManualSignal()


@dataclass
class Rig:
    state: RendersState
    engine: FakeSpeechSynthesizer
    store: InMemoryBlobStore
    clock: FixedClock

    def uow(self) -> InMemoryRendersUnitOfWork:
        return InMemoryRendersUnitOfWork(self.state)

    def track(self, count: int = 3, **roles: ProjectRole) -> UUID:
        track_id = uuid4()
        self.state.tracks[track_id] = cues(count)
        return track_id

    def grant(self, track_id: UUID, who: Actor, role: ProjectRole) -> None:
        self.state.roles[(track_id, who.user_id)] = role

    def request(self) -> RequestRender:
        return RequestRender(self.uow(), {"fake": self.engine}, self.clock, Uuid7Generator())

    def execute(self, engine: object | None = None, lexicon_matcher: MatcherFactory | None = None) -> ExecuteRender:
        renderer = RenderVoiceOver(
            {"fake": engine or self.engine},  # type: ignore[dict-item]
            InMemoryClipCache(),
            NumpyClipProcessor(),
            StreamingTrackMixer(chunk_seconds=2),
            self.store,
            batch_size=2,
            lexicon_matcher=lexicon_matcher,
        )
        return ExecuteRender(
            StartRenderRun(self.uow(), self.store, self.clock),
            BeatRenderRun(self.uow(), self.clock),
            FinishRenderRun(self.uow(), self.clock),
            renderer,
            self.store,
            problem_of,
            heartbeat_s=0.05,
        )


def make_rig() -> Rig:
    return Rig(RendersState(), FakeSpeechSynthesizer(ms_per_char=40), InMemoryBlobStore(), FixedClock())
