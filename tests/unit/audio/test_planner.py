"""The whole-track timing planner: windows, lead, smoothing between a speaker's lines (pure domain)."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvariantViolated
from domain.planner import (
    SCENE_GAP_MS,
    PlanCue,
    PlannedCue,
    PlanRules,
    neighbour_pairs,
    plan_timing,
    scenes,
)
from domain.render_options import RenderOptions
from domain.timing import RenderCue, cue_windows, synthesis_rate


@st.composite
def tracks(draw: st.DrawFn) -> list[PlanCue]:
    count = draw(st.integers(min_value=1, max_value=40))
    cues, clock = [], draw(st.integers(min_value=0, max_value=5000))
    for index in range(count):
        clock += draw(st.integers(min_value=-800, max_value=4000))  # gaps, and now and then an overlap
        clock = max(0, clock)
        length = draw(st.integers(min_value=200, max_value=7000))
        natural = draw(st.floats(min_value=0.0, max_value=14_000.0))
        group = draw(st.sampled_from(["anna", "ben", "espeak:en-us"]))
        cues.append(PlanCue(id=str(index), start_ms=clock, end_ms=clock + length, natural_ms=natural, group=group))
        clock += length
    return draw(st.permutations(cues))


rules_strategy = st.builds(
    PlanRules,
    speed_cap=st.sampled_from([1.0, 1.25, 1.6, 2.0]),
    borrow_ms=st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),
    lead_ms=st.integers(min_value=0, max_value=300),
    max_rate_step=st.sampled_from([0.05, 0.1, 0.15, 0.3]),
)


def _timeline(cues: list[PlanCue], plans: list[PlannedCue]) -> list[tuple[PlanCue, PlannedCue]]:
    return sorted(zip(cues, plans, strict=True), key=lambda pair: (pair[0].start_ms, pair[0].end_ms, int(pair[0].id)))


# covers: S-CODE-4
@settings(max_examples=300, deadline=None)  # the shared machine is often loaded
@given(tracks(), rules_strategy)
def test_every_cue_is_planned_never_slower_than_natural_and_within_the_cap(
    cues: list[PlanCue], rules: PlanRules
) -> None:
    plans = plan_timing(cues, rules)
    assert [plan.id for plan in plans] == [cue.id for cue in cues]
    for cue, plan in zip(cues, plans, strict=True):
        assert plan.rate >= 1.0
        assert plan.rate <= max(1.0, rules.speed_cap) + 1e-9
        assert plan.rate >= min(plan.needed, rules.speed_cap) - 1e-9
        assert plan.window_end_ms >= cue.end_ms
        assert cue.start_ms - rules.lead_ms <= plan.window_start_ms <= cue.start_ms
        assert plan.lead_ms == cue.start_ms - plan.window_start_ms
        if plan.needed <= rules.speed_cap:  # a speed the cap allows makes the clip fit its window
            assert cue.natural_ms / plan.rate <= plan.window_ms + 1e-6
        if plan.needed == 1.0:
            assert plan.rate > 1.0 or cue.natural_ms <= plan.window_ms
        assert (plan.why == "capped") == (plan.needed > rules.speed_cap and plan.rate >= rules.speed_cap - 1e-9)


@settings(max_examples=300, deadline=None)  # the shared machine is often loaded
@given(tracks(), rules_strategy)
def test_windows_use_only_silence(cues: list[PlanCue], rules: PlanRules) -> None:
    ordered = _timeline(cues, plan_timing(cues, rules))
    for position, (cue, plan) in enumerate(ordered):
        if position + 1 < len(ordered):
            following = ordered[position + 1][0]
            if following.start_ms >= cue.end_ms:
                assert plan.window_end_ms <= following.start_ms
            else:
                assert plan.window_end_ms == cue.end_ms
        if rules.borrow_ms is not None:
            assert plan.borrowed_ms <= rules.borrow_ms
        if plan.lead_ms:
            # an early start never reaches into an earlier cue or into its speech
            for earlier, earlier_plan in ordered[:position]:
                speech_end = earlier_plan.window_start_ms + earlier.natural_ms / earlier_plan.rate
                assert plan.window_start_ms >= earlier.end_ms
                assert plan.window_start_ms >= math.floor(speech_end) - 1


# covers: S-CODE-4
@settings(max_examples=300, deadline=None)  # the shared machine is often loaded
@given(tracks(), rules_strategy)
def test_speech_never_runs_into_the_next_line_unless_the_cap_lets_it_overflow(
    cues: list[PlanCue], rules: PlanRules
) -> None:
    """At the planned speed a line's speech ends by its window end, which is at most the next cue's
    start and the start of the next line's speech; only a line needing more than the cap overflows
    (the overflow policy's business)."""
    ordered = _timeline(cues, plan_timing(cues, rules))
    for (cue, plan), (following, following_plan) in itertools.pairwise(ordered):
        if plan.needed > rules.speed_cap:
            continue
        speech_end = plan.window_start_ms + cue.natural_ms / plan.rate
        assert speech_end <= plan.window_end_ms + 1e-6
        if following.start_ms >= cue.end_ms:  # (overlapping cues are mixed and flagged)
            assert speech_end <= min(following.start_ms, following_plan.window_start_ms) + 1e-6


@settings(max_examples=300, deadline=None)  # the shared machine is often loaded
@given(tracks(), rules_strategy)
def test_neighbouring_lines_of_one_speaker_differ_at_most_by_the_step(cues: list[PlanCue], rules: PlanRules) -> None:
    plans = plan_timing(cues, rules)
    scene_of = scenes(cues)
    for earlier, later in neighbour_pairs(cues):
        assert cues[earlier].group == cues[later].group and scene_of[earlier] == scene_of[later]
        assert abs(plans[later].rate - plans[earlier].rate) <= rules.max_rate_step + 1e-9


@settings(max_examples=300, deadline=None)  # the shared machine is often loaded
@given(tracks())
def test_neighbours_are_each_speakers_consecutive_lines_within_a_scene(cues: list[PlanCue]) -> None:
    ordered = sorted(range(len(cues)), key=lambda i: (cues[i].start_ms, cues[i].end_ms, i))
    scene_of = scenes(cues)
    reach = None
    for position, index in enumerate(ordered):  # a scene changes exactly after a long silence
        if position:
            silent = cues[index].start_ms - reach >= SCENE_GAP_MS
            assert scene_of[index] == scene_of[ordered[position - 1]] + silent
        reach = cues[index].end_ms if reach is None else max(reach, cues[index].end_ms)
    expected = []
    for position, index in enumerate(ordered):
        earlier = next((j for j in reversed(ordered[:position]) if cues[j].group == cues[index].group), None)
        if earlier is not None and scene_of[earlier] == scene_of[index]:
            expected.append((earlier, index))
    assert neighbour_pairs(cues) == expected


@settings(max_examples=200, deadline=None)  # the shared machine is often loaded
@given(tracks(), rules_strategy)
def test_smoothing_raises_only_as_much_as_a_neighbour_demands(cues: list[PlanCue], rules: PlanRules) -> None:
    """Minimal: a cue above what it needs is exactly one step below a neighbour of its speaker."""
    plans = plan_timing(cues, rules)
    sides: dict[int, list[int]] = {}
    for earlier, later in neighbour_pairs(cues):
        sides.setdefault(earlier, []).append(later)
        sides.setdefault(later, []).append(earlier)
    for index, plan in enumerate(plans):
        if plan.why != "smoothed":
            continue
        assert plan.rate > min(plan.needed, rules.speed_cap)
        pulls = [plans[other].rate - rules.max_rate_step for other in sides.get(index, [])]
        assert pulls and plan.rate == pytest.approx(max(pulls), abs=0.011)


@settings(max_examples=200, deadline=None)  # the shared machine is often loaded
@given(tracks(), st.sampled_from([1.25, 1.6, 2.0]), st.integers(min_value=0, max_value=3000))
def test_the_gap_never_needs_more_speed_than_a_fixed_borrow(cues: list[PlanCue], cap: float, borrow: int) -> None:
    gap = plan_timing(cues, PlanRules(speed_cap=cap, lead_ms=0))
    fixed = plan_timing(cues, PlanRules(speed_cap=cap, borrow_ms=borrow, lead_ms=0))
    last = max(cues, key=lambda c: (c.start_ms, c.end_ms, int(c.id))).id
    for by_gap, by_fixed in zip(gap, fixed, strict=True):
        if by_gap.id == last:  # after the last cue the gap means TAIL_MS
            continue
        assert by_gap.needed <= by_fixed.needed
        assert by_gap.window_end_ms >= by_fixed.window_end_ms


@settings(max_examples=200, deadline=None)  # the shared machine is often loaded
@given(tracks(), st.sampled_from([1.25, 1.6, 2.0]), st.integers(min_value=0, max_value=3000))
def test_with_a_fixed_borrow_and_no_lead_the_need_is_the_current_per_cue_rate(
    cues: list[PlanCue], cap: float, borrow: int
) -> None:
    """The planner's per-cue need equals what the per-cue fitting chose (before the cap)."""
    options = RenderOptions(max_speed=min(cap, 2.0), overflow="overlap", borrow_ms=borrow, lead_ms=0)
    plans = {plan.id: plan for plan in plan_timing(cues, options.plan_rules)}
    render_cues = [RenderCue(id=c.id, start_ms=c.start_ms, end_ms=c.end_ms, text="x") for c in cues]
    naturals = {c.id: c.natural_ms for c in cues}
    for window in cue_windows(render_cues, borrow):
        plan = plans[window.cue.id]
        assert plan.window_end_ms == window.window_end_ms
        assert min(plan.needed, options.speed_cap) == synthesis_rate(naturals[window.cue.id], window.window_ms, options)


def test_a_long_line_uses_the_silence_then_the_lead_then_speeds_up() -> None:
    rules = PlanRules(speed_cap=1.6, lead_ms=300)
    a = PlanCue(id="a", start_ms=0, end_ms=1000, natural_ms=800, group="x")
    b = PlanCue(id="b", start_ms=2000, end_ms=3000, natural_ms=1400, group="y")  # fits up to c's start
    c = PlanCue(id="c", start_ms=3500, end_ms=4000, natural_ms=700, group="z")  # 600 ms to d: 100 ms early
    d = PlanCue(id="d", start_ms=4100, end_ms=5000, natural_ms=2000, group="w")  # 300 ms early is not enough
    e = PlanCue(id="e", start_ms=5400, end_ms=6000, natural_ms=1500, group="v")  # the last cue: 1 s after
    plans = {plan.id: plan for plan in plan_timing([a, b, c, d, e], rules)}
    assert (plans["a"].why, plans["a"].rate, plans["a"].window_end_ms) == ("fits", 1.0, 2000)
    assert (plans["b"].why, plans["b"].rate, plans["b"].window_end_ms) == ("borrowed", 1.0, 3500)
    assert (plans["c"].why, plans["c"].lead_ms, plans["c"].rate) == ("lead", 100, 1.0)
    assert (plans["c"].window_start_ms, plans["c"].window_end_ms) == (3400, 4100)
    assert (plans["d"].why, plans["d"].lead_ms, plans["d"].window_ms) == ("sped_up", 0, 1300)
    assert plans["d"].needed == 1.54  # 2000 / 1300 rounded up to a hundredth; c's speech ends at 4100
    assert (plans["e"].why, plans["e"].rate) == ("borrowed", 1.0)


def test_lead_is_taken_from_the_silence_the_previous_line_leaves() -> None:
    rules = PlanRules(speed_cap=1.6, lead_ms=300)
    a = PlanCue(id="a", start_ms=0, end_ms=1000, natural_ms=1100, group="x")  # uses 100 ms of a 400 ms gap
    b = PlanCue(id="b", start_ms=1400, end_ms=2000, natural_ms=800, group="y")
    c = PlanCue(id="c", start_ms=2000, end_ms=3000, natural_ms=900, group="z")
    plans = {plan.id: plan for plan in plan_timing([a, b, c], rules)}
    assert plans["b"].why == "lead"
    assert plans["b"].lead_ms == 200 and plans["b"].window_start_ms == 1200
    assert plans["b"].rate == 1.0


def test_a_fast_line_pulls_its_speakers_neighbours_up_by_steps_not_other_speakers() -> None:
    rules = PlanRules(speed_cap=1.6, max_rate_step=0.15, borrow_ms=0, lead_ms=0)
    cues = [
        PlanCue(id="1", start_ms=0, end_ms=1000, natural_ms=900, group="anna"),
        PlanCue(id="2", start_ms=1100, end_ms=2100, natural_ms=1600, group="anna"),  # needs 1.6
        PlanCue(id="3", start_ms=2200, end_ms=3200, natural_ms=900, group="anna"),
        PlanCue(id="4", start_ms=3300, end_ms=4300, natural_ms=900, group="anna"),
        PlanCue(id="5", start_ms=4400, end_ms=5400, natural_ms=900, group="ben"),
        PlanCue(id="6", start_ms=5400 + SCENE_GAP_MS, end_ms=20000, natural_ms=900, group="anna"),
    ]
    rates = {plan.id: (plan.rate, plan.why) for plan in plan_timing(cues, rules)}
    assert rates["2"] == (1.6, "sped_up")
    assert rates["1"] == (1.45, "smoothed")
    assert rates["3"] == (1.45, "smoothed")
    assert rates["4"] == (1.3, "smoothed")
    assert rates["5"] == (1.0, "fits")  # another speaker
    assert rates["6"] == (1.0, "fits")  # after a long silence: another scene


def test_a_speakers_lines_are_smoothed_across_the_scene_whoever_speaks_between() -> None:
    """Anna's lines 3.5 s apart, Ben answering in between: one scene, so one pace; after a 4 s
    silence a new scene starts afresh."""
    rules = PlanRules(speed_cap=1.6, max_rate_step=0.1, borrow_ms=0, lead_ms=0)
    cues = [
        PlanCue(id="1", start_ms=0, end_ms=1000, natural_ms=1500, group="anna"),  # needs 1.5
        PlanCue(id="2", start_ms=1500, end_ms=4000, natural_ms=2000, group="ben"),
        PlanCue(id="3", start_ms=4500, end_ms=5500, natural_ms=800, group="anna"),
        PlanCue(id="4", start_ms=5500 + SCENE_GAP_MS, end_ms=10500, natural_ms=800, group="anna"),
    ]
    assert scenes(cues) == [0, 0, 0, 1]
    rates = {plan.id: (plan.rate, plan.why) for plan in plan_timing(cues, rules)}
    assert rates == {"1": (1.5, "sped_up"), "2": (1.0, "fits"), "3": (1.4, "smoothed"), "4": (1.0, "fits")}


def test_by_default_a_line_starts_a_little_early_rather_than_faster() -> None:
    a = PlanCue(id="a", start_ms=0, end_ms=1000, natural_ms=900, group="x")
    b = PlanCue(id="b", start_ms=1500, end_ms=2500, natural_ms=1200, group="y")  # 200 ms early fits
    c = PlanCue(id="c", start_ms=2500, end_ms=3500, natural_ms=900, group="z")
    plans = {plan.id: plan for plan in plan_timing([a, b, c], PlanRules(speed_cap=1.6))}
    assert (plans["b"].why, plans["b"].lead_ms, plans["b"].rate) == ("lead", 200, 1.0)


def test_two_tight_lines_share_the_silence_between_them_rather_than_the_first_taking_it_all() -> None:
    rules = PlanRules(speed_cap=1.6, lead_ms=200, max_rate_step=1.0)
    first = PlanCue(id="1", start_ms=0, end_ms=1000, natural_ms=1320, group="a")  # 200 ms of silence after
    second = PlanCue(id="2", start_ms=1200, end_ms=2200, natural_ms=1320, group="b")  # none after
    third = PlanCue(id="3", start_ms=2200, end_ms=3000, natural_ms=100, group="c")
    one, two, _ = plan_timing([first, second, third], rules)
    # alone, the first would take the 200 ms (1.10x) and leave the second 1.32x; shared: 1.20x each
    assert (one.window_end_ms, two.window_start_ms, two.lead_ms) == (1100, 1100, 100)
    assert (one.rate, two.rate) == (1.2, 1.2)
    assert (one.why, two.why) == ("sped_up", "sped_up")


def test_a_line_never_leads_into_the_overflow_of_a_capped_line_before_its_neighbour() -> None:
    rules = PlanRules(speed_cap=1.6, lead_ms=100, max_rate_step=1.0)
    capped = PlanCue(id="1", start_ms=0, end_ms=200, natural_ms=644, group="a")  # speech to 403 at 1.6x
    tight = PlanCue(id="2", start_ms=200, end_ms=400, natural_ms=202, group="a")
    long = PlanCue(id="3", start_ms=401, end_ms=1000, natural_ms=1500, group="a")
    _, two, three = plan_timing([capped, tight, long], rules)
    assert two.window_start_ms == 200 and three.window_start_ms >= 401


def test_an_impossible_line_is_capped_and_its_neighbours_follow_the_cap() -> None:
    rules = PlanRules(speed_cap=1.6, max_rate_step=0.2, borrow_ms=0, lead_ms=0)
    cues = [
        PlanCue(id="1", start_ms=0, end_ms=1000, natural_ms=3000, group="a"),
        PlanCue(id="2", start_ms=1000, end_ms=2000, natural_ms=500, group="a"),
    ]
    first, second = plan_timing(cues, rules)
    assert (first.needed, first.rate, first.why) == (3.0, 1.6, "capped")
    assert (second.rate, second.why) == (1.4, "smoothed")


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [("lead_ms", {"lead_ms": 301}), ("lead_ms", {"lead_ms": -1}), ("max_rate_step", {"max_rate_step": 0})],
)
def test_rules_are_validated(field: str, kwargs: dict[str, float]) -> None:
    with pytest.raises(InvariantViolated) as caught:
        PlanRules(speed_cap=1.6, **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field
