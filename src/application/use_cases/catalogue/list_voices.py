"""Every voice of every enabled speech engine, optionally filtered by engine and language."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from application.actor import Actor
from application.errors import DependencyUnavailable
from application.ports.speech import SpeechSynthesizer
from domain.voices import Voice


class ListVoices:
    def __init__(self, synthesizers: Mapping[str, SpeechSynthesizer]) -> None:
        self._synthesizers = dict(synthesizers)

    async def execute(
        self, actor: Actor, *, engine: str | None = None, language: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[list[Voice], int | None]:
        """A disabled engine has no voices. When no engine is named, an engine that fails is left out
        (one provider down must not hide the others); when it is named, its failure is the answer."""
        wanted = [name for name in sorted(self._synthesizers) if engine in (None, "", name)]
        results = await asyncio.gather(
            *(self._synthesizers[name].list_voices() for name in wanted), return_exceptions=True
        )
        voices: list[Voice] = []
        for result in results:
            if isinstance(result, DependencyUnavailable) and not engine:
                continue
            if isinstance(result, BaseException):
                raise result
            voices.extend(result)
        prefix = (language or "").strip().lower()
        if prefix:
            voices = [v for v in voices if v.language.lower().startswith(prefix)]
        ordered = sorted(voices, key=lambda v: (v.engine, v.language, v.name))
        end = offset + limit
        return ordered[offset:end], (end if end < len(ordered) else None)
