"""The knobs of one voice-over render, validated when built."""

from __future__ import annotations

from typing import Literal, get_args
from uuid import UUID

import msgspec

from domain.errors import InvariantViolated
from domain.media import CONTAINERS, valid_language
from domain.planner import DEFAULT_LEAD_MS, MAX_LEAD_MS, PlanRules
from domain.voices import VoiceRef

AudioFormat = Literal["wav", "flac", "ogg", "mp3"]
RenderFormat = Literal["wav", "flac", "ogg", "mp3", "mkv", "mp4", "webm"]
OverflowPolicy = Literal["overlap", "truncate", "compress"]
MixMode = Literal["voice", "voiceover", "replace"]
DefaultTrack = Literal["dub", "original"]

AUDIO_FORMATS: tuple[str, ...] = get_args(AudioFormat)
RENDER_FORMATS: tuple[str, ...] = get_args(RenderFormat)
MIX_MODES: tuple[str, ...] = get_args(MixMode)
DUCK_RANGE_DB = (-60.0, 0.0)
DUCK_ATTACK_MS = 150
DUCK_RELEASE_MS = 400
OVERFLOW_POLICIES: tuple[str, ...] = get_args(OverflowPolicy)
SAMPLE_RATES = (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000)
SPEED_CEILING = 2.0  # the hard limit of the `compress` policy; never exceeded by any policy
MAX_BORROW_MS = 5000
DEFAULT_VOICE = VoiceRef(engine="espeak", name="en-us")


class RenderOptions(msgspec.Struct, frozen=True, kw_only=True):
    voice: VoiceRef = DEFAULT_VOICE
    format: RenderFormat = "wav"
    sample_rate: int = 24000
    loudness_lufs: float = -16.0
    max_speed: float = 1.6
    overflow: OverflowPolicy = "overlap"
    borrow_ms: int | None = None  # silence a cue may use after its end; None: all of it, up to the next cue
    lead_ms: int = DEFAULT_LEAD_MS  # how early a cue may start into the silence before it
    max_rate_step: float = 0.15  # the largest speed change between neighbouring lines of one speaker
    mix: MixMode = "voice"
    media_id: UUID | None = None  # the original video or audio
    music_effects_id: UUID | None = None  # the stem the `replace` mix puts the voice over
    duck_db: float = -12.0
    language: str | None = None  # the dub track's tag; None: the track's language
    default_track: DefaultTrack = "dub"
    source_language: str | None = None  # picks the original's audio stream when it has several

    def __post_init__(self) -> None:
        if self.format not in RENDER_FORMATS:
            raise InvariantViolated(
                f"format {self.format!r} is not supported; use one of {', '.join(RENDER_FORMATS)}", field="format"
            )
        self._check_mix()
        if self.overflow not in OVERFLOW_POLICIES:
            raise InvariantViolated(
                f"overflow {self.overflow!r} is not one of {', '.join(OVERFLOW_POLICIES)}", field="overflow"
            )
        if self.sample_rate not in SAMPLE_RATES:
            rates = ", ".join(str(r) for r in SAMPLE_RATES)
            raise InvariantViolated(f"sample_rate must be one of {rates}", field="sample_rate")
        if not -40.0 <= self.loudness_lufs <= -5.0:
            raise InvariantViolated("loudness_lufs must be between -40 and -5", field="loudness_lufs")
        if not 1.0 <= self.max_speed <= SPEED_CEILING:
            raise InvariantViolated(f"max_speed must be between 1.0 and {SPEED_CEILING}", field="max_speed")
        if self.borrow_ms is not None and not 0 <= self.borrow_ms <= MAX_BORROW_MS:
            raise InvariantViolated(
                f'borrow_ms must be "gap" (None) or between 0 and {MAX_BORROW_MS}', field="borrow_ms"
            )
        if not 0 <= self.lead_ms <= MAX_LEAD_MS:
            raise InvariantViolated(f"lead_ms must be between 0 and {MAX_LEAD_MS}", field="lead_ms")
        if not 0.01 <= self.max_rate_step <= 1.0:
            raise InvariantViolated("max_rate_step must be between 0.01 and 1", field="max_rate_step")

    def _check_mix(self) -> None:
        if self.mix not in MIX_MODES:
            raise InvariantViolated(f"mix {self.mix!r} is not one of {', '.join(MIX_MODES)}", field="mix")
        if self.is_container and self.media_id is None:
            raise InvariantViolated(f"format {self.format!r} needs the video it is delivered in", field="media_id")
        if self.mix == "voiceover" and self.media_id is None:
            raise InvariantViolated("the voiceover mix needs the original media", field="media_id")
        if self.mix == "replace" and self.music_effects_id is None:
            raise InvariantViolated("the replace mix needs a music-and-effects stem", field="music_effects_id")
        if not DUCK_RANGE_DB[0] <= self.duck_db <= DUCK_RANGE_DB[1]:
            raise InvariantViolated("duck_db must be between -60 and 0", field="duck_db")
        for name, tag in (("language", self.language), ("source_language", self.source_language)):
            if tag is not None and not valid_language(tag):
                raise InvariantViolated(f"{name} must be a BCP-47 or ISO 639 language tag", field=name)

    @property
    def is_container(self) -> bool:
        """Delivered inside the video (the voice stem is kept beside it)."""
        return self.format in CONTAINERS

    @property
    def with_media(self) -> bool:
        return self.is_container or self.mix != "voice"

    @property
    def stem_format(self) -> AudioFormat:
        """The voice-only track's format: the render's own, or FLAC beside a delivered video or a mix."""
        if self.with_media or self.format not in AUDIO_FORMATS:
            return "flac"
        return self.format  # type: ignore[return-value]

    @property
    def speed_cap(self) -> float:
        """The fastest a clip may be made before the overflow policy takes over."""
        return SPEED_CEILING if self.overflow == "compress" else self.max_speed

    @property
    def plan_rules(self) -> PlanRules:
        return PlanRules(
            speed_cap=self.speed_cap, borrow_ms=self.borrow_ms, lead_ms=self.lead_ms, max_rate_step=self.max_rate_step
        )
