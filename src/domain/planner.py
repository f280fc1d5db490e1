"""The timing planner: each cue's window and speed, chosen for the whole track at once.

A cue may use the silence after it (up to the next cue's start, or a fixed amount) and start up to
`lead_ms` early into the silence before it. A clip that fits is spoken as it is (speech is never
slowed down); a longer one is sped up just enough to fit, up to the cap. Then neighbouring lines of
one speaker (consecutive lines of that speaker within one scene) are brought within `max_rate_step`
of each other by raising the slower one, so the voice's pace does not wobble from line to line.
A scene ends at a silence of `SCENE_GAP_MS` or more in which no line is spoken. Speeds are whole
hundredths.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise
from typing import Literal

import msgspec

from domain.errors import InvariantViolated

PlanReason = Literal["fits", "borrowed", "lead", "sped_up", "smoothed", "capped"]

MAX_LEAD_MS = 300
DEFAULT_LEAD_MS = 200  # five frames at 25 fps: an early start a listener takes for the line's own
TAIL_MS = 1000  # the last cue's silence with borrow "gap": the end of the video is not known here
SCENE_GAP_MS = 4000  # a silence this long, with no line spoken, ends a scene (a cut, a change of place)
_CENTI = 100
_MAX_SWEEPS = 50


class PlanCue(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    start_ms: int
    end_ms: int
    natural_ms: float  # the clip's length at the voice's own speed
    group: str  # who speaks it (speaker, else voice): pace is smoothed within a group


class PlanRules(msgspec.Struct, frozen=True, kw_only=True):
    speed_cap: float
    borrow_ms: int | None = None  # None: the silence up to the next cue's start
    lead_ms: int = DEFAULT_LEAD_MS
    max_rate_step: float = 0.15

    def __post_init__(self) -> None:
        if not 0 <= self.lead_ms <= MAX_LEAD_MS:
            raise InvariantViolated(f"lead_ms must be between 0 and {MAX_LEAD_MS}", field="lead_ms")
        if not 0.0 < self.max_rate_step <= 1.0:
            raise InvariantViolated("max_rate_step must be above 0 and at most 1", field="max_rate_step")
        if self.speed_cap < 1.0:
            raise InvariantViolated("the speed cap is at least 1", field="max_speed")


class PlannedCue(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    start_ms: int  # the cue's own start
    end_ms: int
    window_start_ms: int  # where the speech starts (start_ms - lead_ms)
    window_end_ms: int  # the latest the speech may end
    lead_ms: int
    needed: float  # the speed the window demands alone (1.0 when the clip fits)
    rate: float  # the speed chosen: at least `needed` up to the cap, never below 1.0
    why: PlanReason

    @property
    def window_ms(self) -> int:
        return self.window_end_ms - self.window_start_ms

    @property
    def borrowed_ms(self) -> int:
        return max(0, self.window_end_ms - self.end_ms)


def _timeline(cues: Sequence[PlanCue]) -> list[int]:
    return sorted(range(len(cues)), key=lambda i: (cues[i].start_ms, cues[i].end_ms, i))


def _centi_up(speed: float) -> int:
    return max(_CENTI, math.ceil(round(speed * _CENTI, 6)))


def _window_end(cue: PlanCue, following: PlanCue | None, borrow_ms: int | None) -> int:
    if following is None:
        return cue.end_ms + (TAIL_MS if borrow_ms is None else borrow_ms)
    silence = max(0, following.start_ms - cue.end_ms)
    return cue.end_ms + (silence if borrow_ms is None else min(borrow_ms, silence))


class _Draft:
    """Each cue's window and the speed it needs, by index, while the plan is being made."""

    def __init__(self) -> None:
        self.lows: dict[int, int] = {}  # the earliest start the cues before allow (their times, the lead)
        self.floors: dict[int, int] = {}  # the earliest start their speech allows too
        self.prior: dict[int, int] = {}  # where the speech of the cues before it ends at the latest
        self.ends: dict[int, int] = {}
        self.needed: dict[int, int] = {}  # hundredths
        self.reasons: dict[int, PlanReason] = {}


def plan_timing(cues: Sequence[PlanCue], rules: PlanRules) -> list[PlannedCue]:
    """The plan of every cue, in the order given."""
    order = _timeline(cues)
    cap = math.floor(round(rules.speed_cap * _CENTI, 6))
    step = max(1, round(rules.max_rate_step * _CENTI))
    draft = _first_draft(cues, order, rules, cap)
    _share_silence(cues, order, draft, cap)
    rates = _smoothed(cues, order, draft.needed, cap, step)
    planned = []
    for index, cue in enumerate(cues):
        # the speech at its final speed (a smoothed line is shorter): start as late as it allows
        length = math.ceil(cue.natural_ms * _CENTI / rates[index])
        start = max(draft.floors[index], min(cue.start_ms, draft.ends[index] - length))
        why = draft.reasons[index]
        if rates[index] > min(draft.needed[index], cap):
            why = "smoothed"
        planned.append(
            PlannedCue(
                id=cue.id,
                start_ms=cue.start_ms,
                end_ms=cue.end_ms,
                window_start_ms=start,
                window_end_ms=draft.ends[index],
                lead_ms=cue.start_ms - start,
                needed=draft.needed[index] / _CENTI,
                rate=rates[index] / _CENTI,
                why=why,
            )
        )
    return planned


def _first_draft(cues: Sequence[PlanCue], order: list[int], rules: PlanRules, cap: int) -> _Draft:
    """Along the timeline: each line takes the silence after it, then the lead, then speeds up."""
    draft = _Draft()
    timed = 0  # the end of the previous cues
    reach = 0  # ... and of their speech at the speed each needs
    for position, index in enumerate(order):
        cue = cues[index]
        following = cues[order[position + 1]] if position + 1 < len(order) else None
        end = _window_end(cue, following, rules.borrow_ms)
        low = min(cue.start_ms, max(0, cue.start_ms - rules.lead_ms, timed))
        floor = max(low, min(cue.start_ms, reach))
        natural = cue.natural_ms
        if natural <= end - cue.start_ms:
            start, centi = cue.start_ms, _CENTI
            draft.reasons[index] = "fits" if natural <= cue.end_ms - cue.start_ms else "borrowed"
        elif natural <= end - floor:
            start, centi = math.floor(end - natural), _CENTI
            draft.reasons[index] = "lead"
        else:
            start, centi = floor, _centi_up(natural / max(1, end - floor))
            draft.reasons[index] = "sped_up" if centi <= cap else "capped"
        draft.lows[index], draft.floors[index], draft.ends[index], draft.needed[index] = low, floor, end, centi
        draft.prior[index] = reach
        # a sped-up line may end as late as its window allows once smoothing settles where it starts
        spoken_end = end if _CENTI < centi <= cap else start + math.ceil(natural * _CENTI / min(centi, cap))
        timed = max(timed, cue.end_ms)
        reach = max(reach, timed, spoken_end)
    return draft


def _share_silence(cues: Sequence[PlanCue], order: list[int], draft: _Draft, cap: int) -> None:
    """Two sped-up lines one after the other share the silence between them: the first took all of it,
    so the boundary moves back (never before the lead allows, nor into the first cue) until both need
    the same speed. Sweeps along the timeline until no boundary moves, so a run of tight lines evens out."""
    for _ in range(_MAX_SWEEPS):
        moved = False
        for earlier, later in pairwise(order):
            needs = (draft.needed[earlier], draft.needed[later])
            if not (min(needs) > _CENTI and max(needs) <= cap) or draft.floors[later] != draft.ends[earlier]:
                continue  # not both sped up within the cap, or the later line is not held back by the earlier
            first, second = cues[earlier].natural_ms, cues[later].natural_ms
            begin, finish = draft.floors[earlier], draft.ends[later]
            even = begin + (finish - begin) * first / max(first + second, 1e-9)
            lowest = max(draft.lows[later], min(cues[later].start_ms, draft.prior[earlier]))  # after older speech
            boundary = min(draft.ends[earlier], max(lowest, math.ceil(even)))
            if boundary == draft.ends[earlier]:
                continue
            draft.ends[earlier] = draft.floors[later] = boundary
            draft.needed[earlier] = _centi_up(first / (boundary - begin))
            draft.needed[later] = _centi_up(second / (finish - boundary))
            moved = True
        if not moved:
            return


def _smoothed(cues: Sequence[PlanCue], order: list[int], needed: dict[int, int], cap: int, step: int) -> dict[int, int]:
    """The least speeds at or above what each cue needs (capped) such that neighbouring lines of one
    group differ by at most `step`: a forward and a backward pass over each group's lines in a scene."""
    rates = {index: min(needed[index], cap) for index in order}
    linked = set(neighbour_pairs(cues))
    by_group: dict[str, list[int]] = {}
    for index in order:
        by_group.setdefault(cues[index].group, []).append(index)
    for members in by_group.values():
        for earlier, later in pairwise(members):
            if (earlier, later) in linked:
                rates[later] = max(rates[later], rates[earlier] - step)
        for earlier, later in reversed(list(pairwise(members))):
            if (earlier, later) in linked:
                rates[earlier] = max(rates[earlier], rates[later] - step)
    return rates


def scenes(cues: Sequence[PlanCue]) -> list[int]:
    """The scene of every cue (numbered from 0 along the timeline), in the order given: a new scene
    starts after a silence of at least `SCENE_GAP_MS` in which no cue runs."""
    found = [0] * len(cues)
    scene, reach = 0, None
    for index in _timeline(cues):
        cue = cues[index]
        if reach is not None and cue.start_ms - reach >= SCENE_GAP_MS:
            scene += 1
        found[index] = scene
        reach = cue.end_ms if reach is None else max(reach, cue.end_ms)
    return found


def neighbour_pairs(cues: Sequence[PlanCue]) -> list[tuple[int, int]]:
    """(earlier, later) indexes of consecutive lines of one group in one scene: heard as one voice's
    stretch of speech, whatever other speakers say in between."""
    scene_of = scenes(cues)
    last: dict[str, int] = {}
    pairs = []
    for index in _timeline(cues):
        group = cues[index].group
        earlier = last.get(group)
        if earlier is not None and scene_of[earlier] == scene_of[index]:
            pairs.append((earlier, index))
        last[group] = index
    return pairs
