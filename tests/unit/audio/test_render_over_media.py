"""A render over media with the fake engine and a recording deliverer: the stem and the delivery are two
files, the delivery gets the speech as placed, progress counts the delivery stage, a cancel stops it."""

from __future__ import annotations

from uuid import UUID

import pytest

from adapters.audio.clips import NumpyClipProcessor
from adapters.audio.mixer import StreamingTrackMixer
from application.audio_pipeline.delivery import MediaSources
from application.audio_pipeline.voice_over import RenderCancelled, RenderProgress, RenderVoiceOver
from domain.render_options import RenderOptions
from domain.timing import RenderCue
from domain.voices import VoiceRef
from tests.fakes.media import RecordingDeliverer
from tests.fakes.speech import FakeSpeechSynthesizer
from tests.fakes.storage import InMemoryBlobStore, InMemoryClipCache

VOICE = VoiceRef(engine="fake", name="en-test")
OPTIONS = RenderOptions(voice=VOICE, format="mkv", mix="voiceover", media_id=UUID(int=1), language="de")
CUES = [
    RenderCue(id="a", start_ms=0, end_ms=2000, text="a" * 20),
    RenderCue(id="b", start_ms=5000, end_ms=7000, text="b" * 30),
]


def rig(deliverer: RecordingDeliverer) -> tuple[RenderVoiceOver, InMemoryBlobStore, MediaSources]:
    store = InMemoryBlobStore()
    store.blobs["media/film"] = b"a film"
    render = RenderVoiceOver(
        {"fake": FakeSpeechSynthesizer(ms_per_char=50)},
        InMemoryClipCache(),
        NumpyClipProcessor(),
        StreamingTrackMixer(chunk_seconds=2, preload=False),
        store,
        deliverer,
    )
    return render, store, MediaSources(store=store, original_key="media/film", bed_key="media/film", bed_stream=1)


async def test_the_delivery_follows_the_placed_speech_and_counts_in_the_progress() -> None:
    deliverer = RecordingDeliverer()
    render, store, media = rig(deliverer)
    seen: list[RenderProgress] = []

    async def progress(update: RenderProgress) -> None:
        seen.append(update)

    report = await render.execute(
        CUES, OPTIONS, "renders/r.mkv", progress=progress, stem_key="renders/r.voice.flac", media=media
    )
    assert store.blobs["renders/r.mkv"] == b"DUB" + store.blobs["renders/r.voice.flac"]
    (plan,) = deliverer.plans
    assert plan.speech == ((0, 1000), (5000, 6500))  # the clips as placed (50 ms a character)
    assert (plan.format, plan.mix, plan.bed_stream, plan.language, plan.dub_default) == (
        "mkv",
        "voiceover",
        1,
        "de",
        True,
    )
    assert plan.duck_db == -12.0 and (plan.attack_ms, plan.release_ms) == (150, 400)
    assert {u.total for u in seen} == {6} and seen[-1].done == 6 and seen[-1].stage == "muxing"
    assert [u.done for u in seen] == sorted(u.done for u in seen)
    assert report.delivery is not None and report.stats.duration_ms == 1000  # the media's length


async def test_a_cancel_during_the_delivery_stops_it_and_publishes_nothing() -> None:
    deliverer = RecordingDeliverer(steps=50, pause_s=0.05)
    render, store, media = rig(deliverer)
    muxing = False

    async def progress(update: RenderProgress) -> None:
        nonlocal muxing
        muxing = muxing or update.stage == "muxing"

    async def cancel() -> bool:
        return muxing

    with pytest.raises(RenderCancelled):
        await render.execute(
            CUES,
            OPTIONS,
            "renders/r.mkv",
            progress=progress,
            cancel=cancel,
            stem_key="renders/r.voice.flac",
            media=media,
        )
    assert "renders/r.mkv" not in store.blobs


async def test_a_render_over_media_needs_its_media() -> None:
    render, _, _ = rig(RecordingDeliverer())
    with pytest.raises(Exception, match="needs the media"):
        await render.execute(CUES, OPTIONS, "renders/r.mkv")
