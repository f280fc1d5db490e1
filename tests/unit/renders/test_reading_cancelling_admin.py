"""Reading, watching, cancelling renders and administering jobs, with in-memory fakes."""

from __future__ import annotations

import msgspec
import pytest

from application.actor import GlobalRole
from application.errors import Conflict, Forbidden, InvalidInput, NotFound
from application.pagination import PageRequest
from application.use_cases.renders.admin_jobs import ListJobs, RetryJob
from application.use_cases.renders.cancel_render import CancelRender
from application.use_cases.renders.read_renders import GetRender, GetRenderAudio, ListTrackRenders
from application.use_cases.renders.watch_render import WatchRender
from domain.media import playable_extension
from domain.projects import ProjectRole
from domain.renders import Render, RenderStatus
from tests.unit.renders.rig import OPTIONS, InstantEvents, Rig, actor, make_rig


async def setup(rig: Rig) -> tuple[Render, object, object]:
    owner, viewer = actor(), actor()
    track = rig.track(2)
    rig.grant(track, owner, ProjectRole.OWNER)
    rig.grant(track, viewer, ProjectRole.VIEWER)
    render = await rig.request().execute(owner, track, OPTIONS)
    return render, owner, viewer


def set_status(rig: Rig, render: Render, status: RenderStatus) -> None:
    rig.state.renders[render.id] = msgspec.structs.replace(rig.state.renders[render.id], status=status)


async def test_members_read_renders_outsiders_get_404() -> None:
    rig = make_rig()
    render, _owner, viewer = await setup(rig)
    assert (await GetRender(rig.uow()).execute(viewer, render.id)).id == render.id  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        await GetRender(rig.uow()).execute(actor(), render.id)
    with pytest.raises(NotFound):
        await GetRenderAudio(rig.uow(), rig.store).execute(actor(), render.id)
    with pytest.raises(NotFound):
        await ListTrackRenders(rig.uow()).execute(actor(), render.track_id, PageRequest(limit=10))


async def test_the_renders_of_a_track_come_newest_first_in_pages() -> None:
    rig = make_rig()
    first, owner, _ = await setup(rig)
    second = await rig.request().execute(owner, first.track_id, OPTIONS)  # type: ignore[arg-type]
    third = await rig.request().execute(owner, first.track_id, OPTIONS)  # type: ignore[arg-type]
    use_case = ListTrackRenders(rig.uow())
    page = await use_case.execute(owner, first.track_id, PageRequest(limit=2))  # type: ignore[arg-type]
    assert [r.id for r in page.items] == [third.id, second.id] and page.next_after == second.id
    last = await use_case.execute(owner, first.track_id, PageRequest(limit=2, after=page.next_after))  # type: ignore[arg-type]
    assert [r.id for r in last.items] == [first.id] and last.next_after is None
    with pytest.raises(ValueError, match="limit"):
        PageRequest(limit=0)


async def test_audio_is_a_conflict_until_the_render_succeeded() -> None:
    rig = make_rig()
    render, owner, _ = await setup(rig)
    with pytest.raises(Conflict) as caught:
        await GetRenderAudio(rig.uow(), rig.store).execute(owner, render.id)  # type: ignore[arg-type]
    assert caught.value.code == "render_not_ready"
    set_status(rig, render, RenderStatus.SUCCEEDED)
    rig.store.blobs[f"renders/{render.id}.wav"] = b"RIFF...."
    audio = await GetRenderAudio(rig.uow(), rig.store).execute(owner, render.id)  # type: ignore[arg-type]
    assert audio.size == 8
    assert b"".join([chunk async for chunk in await audio.read(0, 7)]) == b"RIFF...."
    assert b"".join([chunk async for chunk in await audio.read(2, 4)]) == b"FF."
    assert (audio.format, audio.media_type) == ("wav", "audio/wav")
    with pytest.raises(Conflict) as no_media:  # a voice-only render has no original to play beside it
        await GetRenderAudio(rig.uow(), rig.store).execute(owner, render.id, "original")  # type: ignore[arg-type]
    assert no_media.value.code == "render_has_no_media"


def test_a_probed_container_is_played_as_what_a_browser_knows() -> None:
    assert playable_extension("matroska,webm") == "webm"
    assert playable_extension("mov,mp4,m4a,3gp,3g2,mj2") == "mp4"
    assert playable_extension("wav") == "wav" and playable_extension("avi") == "bin"


async def test_cancelling_a_queued_render_takes_its_job_out_of_the_queue() -> None:
    rig = make_rig()
    render, owner, _ = await setup(rig)
    cancelled = await CancelRender(rig.uow(), rig.clock).execute(owner, render.id)  # type: ignore[arg-type]
    assert cancelled.status is RenderStatus.CANCELLED
    assert rig.state.jobs[render.job_id or 0].status == "cancelled"
    assert rig.state.audit[-1]["action"] == "render.cancelled"


async def test_cancelling_a_running_render_asks_the_worker_to_stop() -> None:
    rig = make_rig()
    render, owner, _ = await setup(rig)
    rig.state.jobs[render.job_id or 0] = msgspec.structs.replace(rig.state.jobs[render.job_id or 0], status="doing")
    set_status(rig, render, RenderStatus.RUNNING)
    asked = await CancelRender(rig.uow(), rig.clock).execute(owner, render.id)  # type: ignore[arg-type]
    assert asked.status is RenderStatus.RUNNING and asked.cancel_requested


@pytest.mark.parametrize("status", [RenderStatus.SUCCEEDED, RenderStatus.FAILED, RenderStatus.CANCELLED])
async def test_a_finished_render_cannot_be_cancelled(status: RenderStatus) -> None:
    rig = make_rig()
    render, owner, viewer = await setup(rig)
    with pytest.raises(Forbidden):
        await CancelRender(rig.uow(), rig.clock).execute(viewer, render.id)  # type: ignore[arg-type]
    set_status(rig, render, status)
    with pytest.raises(Conflict):
        await CancelRender(rig.uow(), rig.clock).execute(owner, render.id)  # type: ignore[arg-type]


async def test_watching_a_finished_render_gives_the_final_event_at_once() -> None:
    rig = make_rig()
    render, owner, _ = await setup(rig)
    set_status(rig, render, RenderStatus.SUCCEEDED)
    events = [name async for name, _ in WatchRender(GetRender(rig.uow()), InstantEvents()).execute(owner, render.id)]  # type: ignore[arg-type]
    assert events == ["done"]


async def test_watching_streams_progress_changes_then_the_final_event() -> None:
    rig = make_rig()
    render, owner, _ = await setup(rig)
    seen = []
    async for name, current in WatchRender(GetRender(rig.uow()), InstantEvents()).execute(owner, render.id):  # type: ignore[arg-type]
        seen.append((name, current.progress.done))
        if len(seen) == 1:
            await rig.execute().execute(render.id, final_attempt=False)  # runs to the end meanwhile
    assert seen == [("progress", 0), ("done", 4)]


async def test_only_admins_manage_jobs_and_a_dead_letter_goes_back_to_the_queue() -> None:
    rig = make_rig()
    render, owner, _ = await setup(rig)
    admin = actor(GlobalRole.ADMIN)
    with pytest.raises(NotFound):  # as for an unknown path
        await ListJobs(rig.uow()).execute(owner, PageRequest(limit=10), status=None)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        await RetryJob(rig.uow(), rig.clock).execute(owner, render.job_id or 0)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        await ListJobs(rig.uow()).execute(admin, PageRequest(limit=10), status="lost")
    with pytest.raises(Conflict):
        await RetryJob(rig.uow(), rig.clock).execute(admin, render.job_id or 0)  # still queued
    with pytest.raises(NotFound):
        await RetryJob(rig.uow(), rig.clock).execute(admin, 999)
    job_id = render.job_id or 0
    rig.state.jobs[job_id] = msgspec.structs.replace(rig.state.jobs[job_id], status="failed", attempts=5)
    set_status(rig, render, RenderStatus.FAILED)
    (dead,) = (await ListJobs(rig.uow()).execute(admin, PageRequest(limit=10), status="failed")).items
    assert dead.id == job_id
    requeued = await RetryJob(rig.uow(), rig.clock).execute(admin, job_id)
    assert (requeued.status, requeued.attempts) == ("todo", 0)
    assert rig.state.audit[-1]["action"] == "job.retried" and rig.state.audit[-1]["changes"]["job_id"] == job_id
    assert rig.state.renders[render.id].status is RenderStatus.QUEUED
