"""How long a voice takes to say a text, learnt from the clips it has produced.

Per voice (engine:name, so per language) the sums of a least-squares line through
(characters, milliseconds) are kept: a clip costs a fixed part plus a part per character.
Before a voice has produced enough clips its plain ratio is used, before any an engine-wide prior.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from domain.clips import normalise_text
from domain.lexicon import ssml_words
from domain.render_report import CueFitReport
from domain.timing import RenderCue
from domain.voices import VoiceRef

MIN_CLIPS_FOR_LINE = 20
PRIOR_MS_PER_CHAR = {"espeak": 62.0, "google": 68.0}  # measured on English voices; other engines: 65
DEFAULT_MS_PER_CHAR = 65.0


def spoken_chars(text: str) -> int:
    """The characters of what is said (the words of an SSML text, not its markup)."""
    return len(normalise_text(ssml_words(text)))


class RateSums(msgspec.Struct, frozen=True, kw_only=True):
    clips: int = 0
    chars: float = 0.0
    ms: float = 0.0
    chars_sq: float = 0.0
    chars_ms: float = 0.0

    def add(self, chars: int, ms: float) -> RateSums:
        return RateSums(
            clips=self.clips + 1,
            chars=self.chars + chars,
            ms=self.ms + ms,
            chars_sq=self.chars_sq + chars * chars,
            chars_ms=self.chars_ms + chars * ms,
        )

    def merged(self, other: RateSums) -> RateSums:
        return RateSums(
            clips=self.clips + other.clips,
            chars=self.chars + other.chars,
            ms=self.ms + other.ms,
            chars_sq=self.chars_sq + other.chars_sq,
            chars_ms=self.chars_ms + other.chars_ms,
        )


def predict_ms(sums: RateSums, chars: int, engine: str) -> float:
    """The natural length of a text of `chars` characters (0 for none)."""
    if chars <= 0:
        return 0.0
    if sums.clips >= MIN_CLIPS_FOR_LINE:
        spread = sums.clips * sums.chars_sq - sums.chars * sums.chars
        if spread > 0:
            slope = (sums.clips * sums.chars_ms - sums.chars * sums.ms) / spread
            intercept = (sums.ms - slope * sums.chars) / sums.clips
            if slope > 0:
                return max(0.0, intercept + slope * chars)
    if sums.clips > 0 and sums.chars > 0:
        return sums.ms / sums.chars * chars
    return PRIOR_MS_PER_CHAR.get(engine, DEFAULT_MS_PER_CHAR) * chars


def rate_sums(cues: Sequence[RenderCue], fits: Sequence[CueFitReport], default_voice: VoiceRef) -> dict[str, RateSums]:
    """What a finished render's natural clips add to each voice's sums."""
    by_id = {cue.id: cue for cue in cues}
    sums: dict[str, RateSums] = {}
    for fit in fits:
        cue = by_id.get(fit.cue_id)
        chars = 0 if cue is None else spoken_chars(cue.text)
        if cue is None or chars == 0 or fit.natural_ms <= 0:
            continue
        voice = str(cue.voice or default_voice)
        sums[voice] = sums.get(voice, RateSums()).add(chars, fit.natural_ms)
    return sums
