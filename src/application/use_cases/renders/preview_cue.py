"""Hear one cue in context: it and one neighbour on each side, planned, synthesized through the clip
cache, fitted and mixed as a render would, outside the job queue but bounded (a per-user rate limit,
a few previews at a time per process, a time limit)."""

from __future__ import annotations

import asyncio
import uuid
from uuid import UUID

import msgspec

from application.actor import Actor
from application.audio_pipeline.voice_over import RenderVoiceOver
from application.authorization import authorize
from application.errors import DependencyUnavailable, FieldError, InvalidInput, NotFound, RateLimited
from application.ports.blobs import BlobStore
from application.ports.rate_limit import RateLimiter
from application.ports.subtitles_uow import QueuedUnitOfWork
from application.voice_checks import cast_voices
from domain.clips import normalise_text
from domain.lexicon import Lexicon
from domain.planner import MAX_LEAD_MS
from domain.projects import ProjectAction
from domain.render_options import RenderOptions
from domain.timing import RenderCue

MAX_PREVIEW_TEXT = 2000


class PreviewLimits(msgspec.Struct, frozen=True, kw_only=True):
    per_minute: int = 20  # previews per user per minute
    at_once: int = 2  # previews synthesized at the same time by one process
    seconds: float = 30.0  # waiting for a slot included


class PreviewCue:
    def __init__(
        self,
        uow: QueuedUnitOfWork,
        renderer: RenderVoiceOver,
        scratch: BlobStore,  # where `renderer` writes
        rate_limiter: RateLimiter,
        limits: PreviewLimits,
        slots: asyncio.Semaphore,
    ) -> None:
        self._uow = uow
        self._renderer = renderer
        self._scratch = scratch
        self._rate_limiter = rate_limiter
        self._limits = limits
        self._slots = slots

    async def execute(
        self,
        actor: Actor,
        track_id: UUID,
        cue_id: str,
        options: RenderOptions,
        *,
        text: str | None = None,
    ) -> bytes:
        """WAV bytes of the cue (with `text` instead of its own, when given) between its neighbours."""
        async with self._uow as uow:
            access = await uow.track_source.access(track_id, actor.user_id)
            if access is None:
                raise NotFound("track", track_id)
            authorize(actor, ProjectAction.EDIT, entity="track", entity_id=track_id, project_role=access.role)
            cues = await uow.track_source.snapshot(track_id)
            lexicon = await uow.lexicons.for_track(track_id)
        # each voice as a render would choose it: the cue's own, its speaker's in the cast, the cast's
        # default for the track's language, else the voice the preview asks for
        trio, _ = cast_voices(in_context(cues, cue_id, text), access.cast, access.language, options.voice)
        gate = await self._rate_limiter.hit(f"preview:{actor.user_id}", limit=self._limits.per_minute, window_s=60)
        if not gate.allowed:
            raise RateLimited("too many previews; wait a little", retry_after_s=gate.retry_after_s)
        try:
            async with asyncio.timeout(self._limits.seconds):
                async with self._slots:
                    return await self._render(trio, options, lexicon)
        except TimeoutError:
            raise DependencyUnavailable(
                "preview", f"the preview took longer than {self._limits.seconds:g} s", code="preview_timeout"
            ) from None

    async def _render(self, cues: list[RenderCue], options: RenderOptions, lexicon: Lexicon | None) -> bytes:
        key = f"previews/{uuid.uuid4().hex}.wav"
        wav = msgspec.structs.replace(options, format="wav")
        await self._renderer.execute(cues, wav, key, lexicon=lexicon)
        try:
            with self._scratch.reader(key) as blob:
                return blob.read()
        finally:
            self._scratch.delete(key)


def in_context(cues: list[RenderCue], cue_id: str, text: str | None) -> list[RenderCue]:
    """The cue and its speakable neighbours, moved so the first starts just after 0 (the timeline of a
    preview is seconds long, wherever the cue is in the film)."""
    ordered = sorted(cues, key=lambda cue: (cue.start_ms, cue.end_ms))
    position = next((i for i, cue in enumerate(ordered) if cue.id == cue_id), None)
    if position is None:
        raise NotFound("cue", cue_id)
    target = ordered[position]
    if text is not None:
        if not normalise_text(text) or len(text) > MAX_PREVIEW_TEXT:
            raise InvalidInput(
                f"text must have something to say and at most {MAX_PREVIEW_TEXT} characters",
                [FieldError("text", "empty or too long")],
                code="invalid_text",
            )
        target = msgspec.structs.replace(target, text=text)
    before = next((c for c in reversed(ordered[:position]) if normalise_text(c.text)), None)
    after = next((c for c in ordered[position + 1 :] if normalise_text(c.text)), None)
    trio = [cue for cue in (before, target, after) if cue is not None]
    shift = max(0, trio[0].start_ms - MAX_LEAD_MS)
    return [msgspec.structs.replace(cue, start_ms=cue.start_ms - shift, end_ms=cue.end_ms - shift) for cue in trio]
