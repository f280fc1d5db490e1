"""Requesting and executing renders with in-memory fakes (the numpy mixer is real: it is fast)."""

from __future__ import annotations

import asyncio
import io
from uuid import uuid4

import msgspec
import pytest
import soundfile

from application.errors import Forbidden, InvalidInput, NotFound
from application.use_cases.renders.execute_render import RenderFailed, RenderOutcome, RenderRetry
from domain.projects import ProjectRole
from domain.render_options import RenderOptions
from domain.renders import RenderStatus
from domain.timing import RenderCue
from domain.voices import VoiceRef
from tests.fakes.speech import FakeSpeechSynthesizer, UnreliableSpeechSynthesizer
from tests.unit.renders.rig import OPTIONS, actor, make_rig


async def test_an_editor_gets_a_queued_render_with_one_job_and_a_snapshot_of_the_cues() -> None:
    rig = make_rig()
    editor = actor()
    track = rig.track(3)
    rig.grant(track, editor, ProjectRole.EDITOR)
    render = await rig.request().execute(editor, track, OPTIONS)
    assert render.status is RenderStatus.QUEUED and render.progress.total == 6 and render.cue_count == 3
    (job,) = rig.state.jobs.values()
    assert render.job_id == job.id and job.status == "todo" and job.trace_id == "trace-unit"
    assert rig.state.job_args[job.id]["render_id"] == str(render.id)
    (entry,) = rig.state.audit  # covers: S-DB-8
    assert (entry["action"], entry["entity_id"], entry["trace_id"]) == ("render.requested", render.id, "trace-unit")
    rig.state.tracks[track][0] = RenderCue(id="c0", start_ms=0, end_ms=900, text="edited later")
    assert rig.state.cues[render.id][0].text == "hello 0"  # later edits do not change a queued render


@pytest.mark.parametrize(
    ("role", "error"), [(None, NotFound), (ProjectRole.VIEWER, Forbidden)], ids=["outsider", "viewer"]
)
async def test_outsiders_and_viewers_cannot_render_and_nothing_is_queued(role: ProjectRole | None, error: type) -> None:
    rig = make_rig()
    caller = actor()
    track = rig.track()
    if role is not None:
        rig.grant(track, caller, role)
    with pytest.raises(error):
        await rig.request().execute(caller, track, OPTIONS)
    assert rig.state.renders == {} and rig.state.jobs == {}


@pytest.mark.parametrize(
    ("voice", "field"),
    [(VoiceRef(engine="nope", name="x"), "voice.engine"), (VoiceRef(engine="fake", name="zz"), "voice.name")],
)
async def test_an_unknown_voice_is_refused_before_anything_is_queued(voice: VoiceRef, field: str) -> None:
    rig = make_rig()
    owner = actor()
    track = rig.track()
    rig.grant(track, owner, ProjectRole.OWNER)
    with pytest.raises(InvalidInput) as caught:
        await rig.request().execute(owner, track, RenderOptions(voice=voice))
    assert caught.value.code == "unknown_voice" and caught.value.errors[0].field == field
    assert rig.state.jobs == {}


async def test_an_outsider_asking_with_an_unknown_voice_learns_only_that_the_track_is_not_found() -> None:
    rig = make_rig()
    track = rig.track()
    with pytest.raises(NotFound):
        await rig.request().execute(actor(), track, RenderOptions(voice=VoiceRef(engine="fake", name="zz")))
    assert rig.state.jobs == {}


async def test_a_track_without_speakable_cues_is_refused() -> None:
    rig = make_rig()
    owner = actor()
    track = rig.track(0)
    rig.grant(track, owner, ProjectRole.OWNER)
    with pytest.raises(InvalidInput) as caught:
        await rig.request().execute(owner, track, OPTIONS)
    assert caught.value.code == "empty_track" and rig.state.jobs == {}
    with pytest.raises(NotFound):
        await rig.request().execute(owner, uuid4(), OPTIONS)


async def queued(rig, count: int = 4):  # type: ignore[no-untyped-def]
    owner = actor()
    track = rig.track(count)
    rig.grant(track, owner, ProjectRole.OWNER)
    return await rig.request().execute(owner, track, OPTIONS)


async def test_execute_renders_the_snapshot_stores_one_artifact_and_records_the_outcome() -> None:
    rig = make_rig()
    render = await queued(rig)
    outcome = await rig.execute().execute(render.id, final_attempt=False)
    assert outcome is RenderOutcome.SUCCEEDED
    done = rig.state.renders[render.id]
    assert done.status is RenderStatus.SUCCEEDED and done.attempts == 1
    assert done.progress.done == done.progress.total == 8
    assert done.stats is not None and done.stats["cues"] == 4 and done.stats["synthesized"] == 4
    assert list(rig.store.blobs) == [f"renders/{render.id}.wav"]
    assert done.size_bytes == len(rig.store.blobs[done.blob_key])
    assert soundfile.info(io.BytesIO(rig.store.blobs[done.blob_key])).samplerate == 16000
    assert [fit.cue_id for fit in rig.state.reports[render.id]] == ["c0", "c1", "c2", "c3"]
    (voice, sums), *others = rig.state.speaking_rates.items()  # the natural clips taught the voice's rate
    assert not others and voice == str(done.options.voice) and sums.clips == 4 and sums.ms > 0
    # a second run of the same job (e.g. requeued while the first was slow) changes nothing
    assert await rig.execute().execute(render.id, final_attempt=False) is RenderOutcome.SKIPPED
    assert list(rig.store.blobs) == [f"renders/{render.id}.wav"]
    assert rig.state.speaking_rates[voice].clips == 4  # counted once


async def test_a_transient_failure_requeues_the_render_and_asks_for_a_retry() -> None:
    rig = make_rig()
    render = await queued(rig)
    flaky = UnreliableSpeechSynthesizer(FakeSpeechSynthesizer(), fail_rate=1.0)
    with pytest.raises(RenderRetry):
        await rig.execute(flaky).execute(render.id, final_attempt=False)
    again = rig.state.renders[render.id]
    assert again.status is RenderStatus.QUEUED
    assert again.error is not None and again.error["code"] == "synthesis_failed" and again.error["status"] == 503
    assert rig.store.blobs == {}


async def test_the_last_attempt_fails_the_render_with_a_problem_object() -> None:
    rig = make_rig()
    render = await queued(rig)
    flaky = UnreliableSpeechSynthesizer(FakeSpeechSynthesizer(), fail_rate=1.0)
    with pytest.raises(RenderFailed):
        await rig.execute(flaky).execute(render.id, final_attempt=True)
    failed = rig.state.renders[render.id]
    assert failed.status is RenderStatus.FAILED and failed.finished_at is not None
    assert failed.error is not None
    assert set(failed.error) >= {"type", "title", "status", "detail", "code", "trace_id"}
    assert failed.error["trace_id"] == "trace-unit"


async def test_a_permanent_failure_fails_at_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rig = make_rig()
    render = await queued(rig)
    flag = tmp_path / "refused"
    flag.touch()
    refusing = UnreliableSpeechSynthesizer(FakeSpeechSynthesizer(), refuse_while=str(flag))
    with pytest.raises(RenderFailed) as caught:
        await rig.execute(refusing).execute(render.id, final_attempt=False)
    assert caught.value.code == "provider_auth_refused"
    assert rig.state.renders[render.id].status is RenderStatus.FAILED


async def test_an_unexpected_error_never_leaks_its_text_into_the_problem() -> None:
    class Exploding(FakeSpeechSynthesizer):
        async def synthesize(self, requests):  # type: ignore[no-untyped-def]
            raise RuntimeError("SELECT secret FROM internals")

    rig = make_rig()
    render = await queued(rig)
    with pytest.raises(RenderFailed):
        await rig.execute(Exploding()).execute(render.id, final_attempt=True)
    error = rig.state.renders[render.id].error or {}
    assert error["status"] == 500 and "secret" not in msgspec.json.encode(error).decode()


async def test_a_cancel_requested_while_running_stops_at_the_next_cue_boundary() -> None:
    rig = make_rig()
    render = await queued(rig, count=12)

    class CancelOnFirstCall(FakeSpeechSynthesizer):
        async def synthesize(self, requests):  # type: ignore[no-untyped-def]
            current = rig.state.renders[render.id]
            rig.state.renders[render.id] = msgspec.structs.replace(current, cancel_requested=True)
            await asyncio.sleep(0.12)  # long enough for a heartbeat to learn of the cancel
            return await super().synthesize(requests)

    outcome = await rig.execute(CancelOnFirstCall()).execute(render.id, final_attempt=False)
    assert outcome is RenderOutcome.CANCELLED
    cancelled = rig.state.renders[render.id]
    assert cancelled.status is RenderStatus.CANCELLED and cancelled.progress.done < cancelled.progress.total
    assert rig.store.blobs == {}


async def test_a_run_overtaken_by_a_later_run_stops_and_writes_nothing() -> None:
    """A worker wrongly thought dead: its job ran again elsewhere; the older run must not touch the render."""
    rig = make_rig()
    render = await queued(rig, count=12)

    class OvertakenOnFirstCall(FakeSpeechSynthesizer):
        async def synthesize(self, requests):  # type: ignore[no-untyped-def]
            current = rig.state.renders[render.id]
            if current.attempts == 1:  # another run starts meanwhile
                rig.state.renders[render.id] = msgspec.structs.replace(current, attempts=2)
            await asyncio.sleep(0.12)
            return await super().synthesize(requests)

    outcome = await rig.execute(OvertakenOnFirstCall()).execute(render.id, final_attempt=False)
    assert outcome is RenderOutcome.SKIPPED
    after = rig.state.renders[render.id]
    assert after.status is RenderStatus.RUNNING and after.attempts == 2 and not after.cancel_requested
    assert rig.store.blobs == {}
