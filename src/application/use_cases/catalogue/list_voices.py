"""Every voice of every enabled speech engine, optionally filtered by engine and language."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from application.actor import Actor
from application.errors import DependencyUnavailable
from application.pagination import PageOf, PageRequest, page_from
from application.ports.speech import SpeechSynthesizer
from domain.voices import Voice


class ListVoices:
    def __init__(self, synthesizers: Mapping[str, SpeechSynthesizer]) -> None:
        self._synthesizers = dict(synthesizers)

    async def execute(
        self,
        actor: Actor,
        page: PageRequest[int] | None = None,
        *,
        engine: str | None = None,
        language: str | None = None,
    ) -> PageOf[Voice]:
        """Voices by engine, language and name (position: the voice's index in that order). A disabled
        engine has no voices. When no engine is named, an engine that fails is left out (one provider
        down must not hide the others); when it is named, its failure is the answer."""
        page = page or PageRequest()
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
        start = 0 if page.after is None else max(0, page.after + 1)
        indexed = list(enumerate(ordered))[start : start + page.fetch]
        return page_from(indexed, page, lambda row: row[0]).map(lambda row: row[1])
