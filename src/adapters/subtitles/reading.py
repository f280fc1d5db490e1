"""What a format reader hands on: cues with the line they start at, and the lines it had to skip."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class RawCue:
    line: int  # 1-based line of the cue's timing
    start_ms: int
    end_ms: int
    text: str  # markup already removed
    speaker: str | None = None  # named by the format itself (ASS Name, WebVTT <v>)
    had_markup: bool = False


@dataclass(slots=True)
class Skip:
    line: int
    reason: str


@dataclass(slots=True)
class Reading:
    cues: list[RawCue] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    repairs: list[Skip] = field(default_factory=list)  # defects fixed in a cue that was kept
