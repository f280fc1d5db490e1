"""Ask for a voice-over of a track: validate, snapshot its cues, store the render and queue its job
in one transaction (a render exists if and only if its job does)."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

import msgspec

from application.actor import Actor
from application.authorization import authorize
from application.errors import FieldError, InvalidInput, NotFound, RateLimited
from application.ports.clock import Clock, IdGenerator
from application.ports.speech import SpeechSynthesizer
from application.ports.subtitles_uow import QueuedUnitOfWork
from application.use_cases.lexicon_text import MatcherFactory, with_lexicon
from application.voice_checks import cast_voices, check_voices, default_voice
from domain.clips import normalise_text
from domain.delivery import bed_stream_for
from domain.media import Media
from domain.projects import ProjectAction
from domain.render_options import RenderOptions
from domain.renders import Progress, Render, RenderStatus, progress_total

MAX_CUES_PER_RENDER = 20_000
# What a user whose queue is full is told to wait: about one short render's run.
QUEUE_FULL_RETRY_AFTER_S = 30


class RequestRender:
    def __init__(
        self,
        uow: QueuedUnitOfWork,
        synthesizers: Mapping[str, SpeechSynthesizer],
        clock: Clock,
        ids: IdGenerator,
        lexicon_matcher: MatcherFactory | None = None,
        *,
        queued_per_user: int | None = None,
    ) -> None:
        self._uow = uow
        self._queued_per_user = queued_per_user
        self._synthesizers = synthesizers
        self._clock = clock
        self._ids = ids
        self._lexicon_matcher = lexicon_matcher

    async def execute(
        self, actor: Actor, track_id: UUID, options: RenderOptions, *, voice_by_language: bool = False
    ) -> Render:
        """With `voice_by_language`, the render's voice is the default of the dub's language (the track's
        unless the options name one): the neural voice for English, espeak-ng's voice otherwise."""
        # Before the transaction: listing a provider's voices may take a network round trip.
        voice_error = None if voice_by_language else await self._voice_error(options)
        async with self._uow as uow:
            access = await uow.track_source.access(track_id, actor.user_id)
            if access is None:
                raise NotFound("track", track_id)
            authorize(actor, ProjectAction.EDIT, entity="track", entity_id=track_id, project_role=access.role)
            if voice_error is not None:  # raised after the access check: an outsider learns nothing
                raise voice_error
            await self._check_queue(uow, actor)
            options = await _with_media(uow, track_id, options, access.language)
            if voice_by_language:  # the local engines' voices only: no network round trip here
                language = options.language or access.language
                options = msgspec.structs.replace(options, voice=await default_voice(self._synthesizers, language))
            cues = [cue for cue in await uow.track_source.snapshot(track_id) if normalise_text(cue.text)]
            if not cues:
                raise InvalidInput("the track has no cue with text to speak", code="empty_track")
            # each cue's voice is resolved now (cue > cast speaker > cast default > render voice) and
            # kept in the snapshot: later edits of the cast do not change this render
            cues, uses = cast_voices(cues, access.cast, access.language, options.voice)
            await check_voices(self._synthesizers, uses)
            if len(cues) > MAX_CUES_PER_RENDER:
                raise InvalidInput(f"a render takes at most {MAX_CUES_PER_RENDER} cues", code="track_too_long")
            # a pronunciation the engine of a cue's voice cannot take is refused now, not in the worker
            with_lexicon(cues, options.voice, await uow.lexicons.for_track(track_id), self._lexicon_matcher)
            now = self._clock.now()
            render_id = self._ids.new_id()
            job_id = await uow.jobs.defer_render(render_id, trace_id=actor.trace_id)
            render = Render(
                id=render_id,
                track_id=track_id,
                requested_by=actor.user_id,
                status=RenderStatus.QUEUED,
                options=options,
                cue_count=len(cues),
                progress=Progress(done=0, total=progress_total(len(cues), options)),
                trace_id=actor.trace_id,
                job_id=job_id,
                created_at=now,
                updated_at=now,
            )
            await uow.renders.add(render, cues)
            await _audit_request(uow, actor, render, job_id)
            await uow.commit()
        return render

    async def _check_queue(self, uow: QueuedUnitOfWork, actor: Actor) -> None:
        """429 when the user already has as many renders waiting as allowed (counted under a lock held
        until commit, so two concurrent requests cannot both take the last place)."""
        if self._queued_per_user is None:
            return
        waiting = await uow.renders.lock_and_count_queued(actor.user_id)
        if waiting >= self._queued_per_user:
            raise RateLimited(
                f"you already have {waiting} renders waiting (at most {self._queued_per_user}); "
                "ask again when one has started",
                retry_after_s=QUEUE_FULL_RETRY_AFTER_S,
                code="render_queue_full",
            )

    async def _voice_error(self, options: RenderOptions) -> InvalidInput | None:
        ref = options.voice
        synthesizer = self._synthesizers.get(ref.engine)
        if synthesizer is None:
            engines = ", ".join(sorted(self._synthesizers)) or "none"
            return InvalidInput(
                f"unknown voice engine {ref.engine!r} (available: {engines})",
                [FieldError("voice.engine", f"unknown engine {ref.engine!r}")],
                code="unknown_voice",
            )
        names = {voice.name for voice in await synthesizer.list_voices()}
        if ref.name not in names:
            return InvalidInput(
                f"unknown voice {ref}", [FieldError("voice.name", f"no voice {ref.name!r}")], code="unknown_voice"
            )
        return None


async def _with_media(
    uow: QueuedUnitOfWork, track_id: UUID, options: RenderOptions, track_language: str | None
) -> RenderOptions:
    """Checks the media a render names against what the mix and the format need (422 otherwise); the dub's
    language defaults to the track's."""
    if not options.with_media:
        return options
    if options.language is None and track_language is not None:
        options = msgspec.structs.replace(options, language=track_language)
    original = None if options.media_id is None else await _media(uow, track_id, options.media_id, "media_id")
    stem = None
    if options.music_effects_id is not None:
        stem = await _media(uow, track_id, options.music_effects_id, "music_effects_id")
    bed_stream_for(options, original, stem)  # 422 when the media cannot serve the format or the mix
    return options


async def _media(uow: QueuedUnitOfWork, track_id: UUID, media_id: UUID, field: str) -> Media:
    media = await uow.media.find_for_track(track_id, media_id)
    if media is None:
        raise _unfit(field, f"the project has no media {media_id}", code="unknown_media")
    return media


def _unfit(field: str, message: str, *, code: str) -> InvalidInput:
    return InvalidInput(message, [FieldError(field, message)], code=code)


async def _audit_request(uow: QueuedUnitOfWork, actor: Actor, render: Render, job_id: int) -> None:
    options = render.options
    details = {
        "track_id": str(render.track_id),
        "voice": str(options.voice),
        "format": options.format,
        "mix": options.mix,
        "media_id": None if options.media_id is None else str(options.media_id),
        "job_id": job_id,
    }
    await uow.audit.record(actor, "render.requested", "render", render.id, details, trace_id=actor.trace_id)
