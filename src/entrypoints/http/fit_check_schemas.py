"""Bodies of the fit check and the one-cue preview (API.md: fit-check, cues/{cue_id}/preview)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from application.use_cases.renders.fit_check import CueForecast
from domain.planner import DEFAULT_LEAD_MS
from domain.render_options import DEFAULT_VOICE, RenderOptions
from domain.render_report import FitTotals
from domain.voices import VoiceRef
from entrypoints.http.subtitles_schemas import VoiceIn


class FitCheckIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    voice: VoiceIn | None = None
    sample_rate: int = 24000
    max_speed: float = 1.6
    overflow: Literal["compress", "truncate", "overlap"] = "overlap"
    borrow: Literal["gap"] | int = "gap"
    lead_ms: int = DEFAULT_LEAD_MS
    max_rate_step: float = 0.15

    def options(self) -> RenderOptions:
        """Ranges are checked by the domain (422 with the field named)."""
        voice = DEFAULT_VOICE if self.voice is None else VoiceRef(engine=self.voice.engine, name=self.voice.name)
        return RenderOptions(
            voice=voice,
            sample_rate=self.sample_rate,
            max_speed=self.max_speed,
            overflow=self.overflow,
            borrow_ms=None if self.borrow == "gap" else self.borrow,
            lead_ms=self.lead_ms,
            max_rate_step=self.max_rate_step,
        )


class FitCheckOut(msgspec.Struct, kw_only=True):
    cues: tuple[CueForecast, ...]
    totals: FitTotals
    measured: int  # cues whose natural length is a cached clip's; the others are predicted


class PreviewIn(FitCheckIn, kw_only=True, forbid_unknown_fields=True):
    """The render options of a fit check, plus unsaved text for the cue."""

    text: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
