"""Which voice speaks each cue (the cast), whether voices can be used here (their engine is enabled,
the engine has the voice, and a neural voice speaks the language it is asked for: a formant voice
reads any text, badly; a neural one cannot), and the default voice of a language."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

import msgspec

from application.errors import FieldError, InvalidInput
from application.ports.speech import SpeechSynthesizer
from domain.cast import Cast, choose_voice, primary_language, speaks
from domain.timing import RenderCue
from domain.voices import Voice, VoiceRef

VoiceUse = tuple[str, VoiceRef, str | None]  # (the field that names it, the voice, the language it must speak)


async def check_voices(
    synthesizers: Mapping[str, SpeechSynthesizer], uses: Sequence[VoiceUse]
) -> dict[VoiceRef, Voice]:
    """Every voice used, resolved; else one 422 naming each bad use (`unknown_voice` or `language_unsupported`)."""
    listed: dict[str, dict[str, Voice]] = {}
    unknown: list[FieldError] = []
    mute: list[FieldError] = []
    resolved: dict[VoiceRef, Voice] = {}
    for field, ref, language in uses:
        synthesizer = synthesizers.get(ref.engine)
        if synthesizer is None:
            enabled = ", ".join(sorted(synthesizers)) or "none"
            unknown.append(
                FieldError(field, f"unknown voice {ref}: engine {ref.engine!r} is not enabled (enabled: {enabled})")
            )
            continue
        if ref.engine not in listed:
            listed[ref.engine] = {voice.name: voice for voice in await synthesizer.list_voices()}
        voice = listed[ref.engine].get(ref.name)
        if voice is None:
            close = difflib.get_close_matches(ref.name, list(listed[ref.engine]), n=5, cutoff=0.5)
            hint = f"; did you mean {', '.join(f'{ref.engine}:{name}' for name in close)}?" if close else ""
            unknown.append(FieldError(field, f"unknown voice {ref}{hint}"))
            continue
        if language and voice.tier == "neural" and not speaks(voice.language, language):
            spoken = sorted({v.language for v in listed[ref.engine].values()})
            mute.append(FieldError(field, f"{ref} cannot speak {language}; {ref.engine} speaks {', '.join(spoken)}"))
            continue
        resolved[ref] = voice
    if unknown:
        raise InvalidInput(_detail(unknown), unknown, code="unknown_voice")
    if mute:
        raise InvalidInput(_detail(mute), mute, code="language_unsupported")
    return resolved


def _detail(errors: Sequence[FieldError]) -> str:
    first = errors[0]
    where = "" if first.field == "voice" else f" ({first.field})"
    more = f"; and {len(errors) - 1} more" if len(errors) > 1 else ""
    return f"{first.message}{where}{more}"


def cast_voices(
    cues: list[RenderCue], cast: Cast | None, language: str | None, render_voice: VoiceRef
) -> tuple[list[RenderCue], list[VoiceUse]]:
    """The cues with their voices resolved, and each distinct use of a voice (for the checks)."""
    resolved: list[RenderCue] = []
    uses: dict[tuple[str, VoiceRef], VoiceUse] = {}
    for cue in cues:
        voice, source = choose_voice(cue.voice, cue.speaker, cast, language, render_voice)
        field = f"cues.{cue.id}.voice" if source == "cue.voice" else source
        uses.setdefault((source if source != "cue.voice" else str(voice), voice), (field, voice, language))
        resolved.append(cue if cue.voice == voice else msgspec.structs.replace(cue, voice=voice))
    return resolved, list(uses.values())


DEFAULT_NEURAL = VoiceRef(engine="hibari", name="heart")
FALLBACK = VoiceRef(engine="espeak", name="en-us")


async def default_voice(synthesizers: Mapping[str, SpeechSynthesizer], language: str | None) -> VoiceRef:
    """The neural voice for English when it is enabled; else espeak-ng's voice for the language
    (its exact tag, else the first of the same primary language); espeak:en-us when nothing fits."""
    if not language:
        return FALLBACK
    neural = synthesizers.get(DEFAULT_NEURAL.engine)
    english = neural is not None and primary_language(language) == "en"
    if english and neural and DEFAULT_NEURAL.name in {voice.name for voice in await neural.list_voices()}:
        return DEFAULT_NEURAL
    espeak = synthesizers.get(FALLBACK.engine)
    if espeak is None:
        return FALLBACK
    voices = list(await espeak.list_voices())
    exact = [voice for voice in voices if voice.language.lower() == language.lower()]
    close = [voice for voice in voices if speaks(voice.language, language)]
    chosen = exact or close
    return chosen[0].ref if chosen else FALLBACK
