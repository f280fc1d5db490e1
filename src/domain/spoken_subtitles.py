"""A rendered track's subtitles re-timed to when each line is actually spoken in the dub."""

from __future__ import annotations

from collections.abc import Sequence

from domain.render_report import CueFitReport
from domain.subtitles import CueContent
from domain.timing import RenderCue


def spoken_timings(cues: Sequence[RenderCue], fits: Sequence[CueFitReport]) -> list[CueContent]:
    """Each spoken cue from its speech's start to its end on the timeline; a cue that was not spoken
    (no text to speak, or nothing heard) keeps its own times. In timeline order."""
    by_id = {fit.cue_id: fit for fit in fits}
    timed: list[CueContent] = []
    for cue in cues:
        fit = by_id.get(cue.id)
        start, end = cue.start_ms, cue.end_ms
        if fit is not None and fit.final_ms > 0:
            start = fit.speech_start_ms
            end = start + fit.final_ms
        timed.append(CueContent(start_ms=start, end_ms=end, text=cue.text, speaker=cue.speaker))
    return sorted(timed, key=lambda cue: (cue.start_ms, cue.end_ms))
