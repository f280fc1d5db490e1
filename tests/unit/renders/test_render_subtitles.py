"""Subtitles of a finished render, re-timed to when each line is spoken (fake engine, real codec)."""

from __future__ import annotations

import pysubs2
import pytest

from adapters.subtitles.codec import IsolatedSubtitleCodec
from application.errors import Conflict, InvalidInput, NotFound
from application.use_cases.renders.read_renders import GetRenderSubtitles
from domain.projects import ProjectRole
from domain.render_options import RenderOptions
from domain.render_report import CueFitReport
from domain.spoken_subtitles import spoken_timings
from domain.timing import RenderCue
from tests.unit.renders.rig import VOICE, actor, make_rig


def test_spoken_timings_follow_the_speech_and_keep_unspoken_cues() -> None:
    cues = [
        RenderCue(id="a", start_ms=1000, end_ms=3000, text="Hello there", speaker="Ann"),
        RenderCue(id="b", start_ms=4000, end_ms=5000, text="Bye"),
    ]
    fits = [
        CueFitReport(cue_id="a", start_ms=1000, end_ms=3000, window_start_ms=800, window_end_ms=4000, lead_ms=200,
                     natural_ms=2500, final_ms=2500, speed=1.0, overflow_ms=0, action="fit"),
    ]  # fmt: skip
    a, b = spoken_timings(cues, fits)
    assert (a.start_ms, a.end_ms, a.speaker) == (800, 3300, "Ann")
    assert (b.start_ms, b.end_ms) == (4000, 5000)


async def test_a_finished_render_exports_its_spoken_timings_to_members_only() -> None:
    rig = make_rig()
    owner, outsider = actor(), actor()
    track = rig.track(4)
    rig.grant(track, owner, ProjectRole.OWNER)
    render = await rig.request().execute(owner, track, RenderOptions(voice=VOICE, format="wav", sample_rate=16000))
    use_case = GetRenderSubtitles(rig.uow(), IsolatedSubtitleCodec())
    with pytest.raises(Conflict):
        await use_case.execute(owner, render.id, "srt")  # not rendered yet
    await rig.execute().execute(render.id, final_attempt=False)
    with pytest.raises(NotFound):
        await use_case.execute(outsider, render.id, "srt")
    with pytest.raises(InvalidInput):
        await use_case.execute(owner, render.id, "ass")

    fits = {fit.cue_id: fit for fit in rig.state.reports[render.id]}
    for fmt in ("srt", "vtt"):
        chosen, data = await use_case.execute(owner, render.id, fmt)
        assert chosen.value == fmt
        parsed = pysubs2.SSAFile.from_string(data.decode())
        expected = sorted((f.speech_start_ms, f.speech_start_ms + f.final_ms) for f in fits.values())
        assert [(line.start, line.end) for line in parsed] == expected
        assert all(line.end - line.start < 1500 for line in parsed)  # as spoken, not as the cue spans
