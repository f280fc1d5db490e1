"""The text each cue's engine is sent once the project's lexicon is applied (shared by renders,
render requests, fit checks and previews)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import msgspec

from application.errors import FieldError, InvalidInput
from domain.clips import normalise_text
from domain.errors import InvariantViolated
from domain.lexicon import Lexicon, LexiconMatcher, Piece, apply_lexicon, engine_text
from domain.timing import RenderCue
from domain.voices import VoiceRef

MatcherFactory = Callable[[Lexicon], LexiconMatcher]


def with_lexicon(
    cues: Sequence[RenderCue], default_voice: VoiceRef, lexicon: Lexicon | None, matchers: MatcherFactory | None
) -> tuple[list[RenderCue], list[RenderCue]]:
    """(cues with the text their engine is sent, cues the lexicon left with nothing to say). Cues with no
    text at all are left out. A pronunciation for an engine without phoneme input is refused (422)."""
    lexicon = lexicon or Lexicon()
    if lexicon.entries and matchers is None:
        raise InvalidInput("this service applies no lexicon", code="lexicon_unsupported")
    matcher = matchers(lexicon) if matchers is not None and lexicon.entries else None
    spoken: list[RenderCue] = []
    silenced: list[RenderCue] = []
    for cue in cues:
        if not normalise_text(cue.text):
            continue
        pieces = [Piece(cue.text)] if matcher is None else apply_lexicon(cue.text, lexicon, matcher)
        try:
            text = engine_text(pieces, lexicon, (cue.voice or default_voice).engine)
        except InvariantViolated as exc:
            field = exc.field or "lexicon"
            raise InvalidInput(exc.message, [FieldError(field, exc.message)], code="lexicon_unsupported") from None
        if not normalise_text(text):
            silenced.append(cue)
        else:
            spoken.append(cue if text == cue.text else msgspec.structs.replace(cue, text=text))
    return spoken, silenced
