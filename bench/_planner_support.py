"""The acceptance track shape of the timing planner and the figures it is judged by."""

from __future__ import annotations

import random
import statistics

from _render_support import WORDS

from domain.planner import PlanCue, neighbour_pairs
from domain.timing import RenderCue

SPEAKERS = ("anna", "ben", "carla", "dev")


def film_track(cues: int = 1000, seed: int = 17) -> list[RenderCue]:
    """Film dialogue: four speakers who answer each other; cues 0.7-6 s; dense text (14-24 chars/s,
    translated subtitles) so espeak-ng at ~15 chars/s overruns many cues alone.

    Gaps (the known distribution): 35 % 40-250 ms (quick exchanges), 35 % 250-1000 ms,
    22 % 1-4 s, 8 % 4-15 s (scene changes).
    """
    rng = random.Random(seed)
    track: list[RenderCue] = []
    at, speaker = 2000, 0
    for number in range(cues):
        roll = rng.random()
        if roll < 0.35:
            gap = rng.uniform(40, 250)
        elif roll < 0.70:
            gap = rng.uniform(250, 1000)
        elif roll < 0.92:
            gap = rng.uniform(1000, 4000)
        else:
            gap = rng.uniform(4000, 15_000)
        length = min(6000, max(700, rng.gauss(2600, 1100)))
        chars = max(4, int(length / 1000 * rng.uniform(14, 24)))
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < chars:
            words.append(rng.choice(WORDS))
        text = " ".join(words).capitalize() + rng.choice(".?!.")
        if rng.random() < 0.55:  # the other one answers; else the same speaker goes on
            speaker = (speaker + rng.choice((1, 1, 2, 3))) % len(SPEAKERS)
        start = int(at + gap)
        track.append(
            RenderCue(
                id=str(number + 1), start_ms=start, end_ms=start + int(length), text=text, speaker=SPEAKERS[speaker]
            )
        )
        at = start + length
    return track


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def figures(cues: list[RenderCue], speeds: dict[str, float]) -> dict[str, float]:
    """Share sped up, mean and p95 speed (all cues, 1.0 = natural), mean speed of the sped-up ones,
    the largest jump between consecutive lines of one speaker (within a scene, and any), and the slowest cue."""
    values = [speeds[cue.id] for cue in cues]
    sped = [v for v in values if v > 1.005]
    planned = [
        PlanCue(id=c.id, start_ms=c.start_ms, end_ms=c.end_ms, natural_ms=0.0, group=c.speaker or "") for c in cues
    ]
    neighbour_jump = max(
        (abs(speeds[cues[a].id] - speeds[cues[b].id]) for a, b in neighbour_pairs(planned)), default=0.0
    )
    any_jump = 0.0
    last: dict[str, RenderCue] = {}
    for cue in sorted(cues, key=lambda c: (c.start_ms, c.end_ms)):
        group = cue.speaker or ""
        if group in last:
            any_jump = max(any_jump, abs(speeds[cue.id] - speeds[last[group].id]))
        last[group] = cue
    return {
        "share": len(sped) / len(values),
        "mean": statistics.fmean(values),
        "mean_sped": statistics.fmean(sped) if sped else 1.0,
        "p95": p95(values),
        "max": max(values),
        "jump": neighbour_jump,
        "jump_any": any_jump,
        "slowest": min(values),
    }
