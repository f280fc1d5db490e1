"""What a format reader hands on: cues with the line they start at, and the lines it had to skip."""

from __future__ import annotations

from dataclasses import dataclass, field

# Skipped lines named one by one in a report; past this they are only counted (a file of 2 million bad lines
# gets a short answer, and reading it stays cheap: no reason is even formatted for the rest).
MAX_NAMED_SKIPS = 1000
# Raw cue text past this is refused before any further pass over it (a cue holds at most 2000 characters).
MAX_RAW_TEXT = 8000


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
    unnamed_skips: int = 0

    def room(self) -> bool:
        """Whether another skip may be named; if not, it is counted."""
        if len(self.skipped) < MAX_NAMED_SKIPS:
            return True
        self.unnamed_skips += 1
        return False

    def skip(self, line: int, reason: str) -> None:
        if self.room():
            self.skipped.append(Skip(line, reason))

    def repaired(self, line: int, reason: str) -> None:
        if len(self.repairs) < MAX_NAMED_SKIPS:
            self.repairs.append(Skip(line, reason))
