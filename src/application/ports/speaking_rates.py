"""What each voice's produced clips say about its speaking rate (see domain.speaking_rate)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from domain.speaking_rate import RateSums


class SpeakingRateRepository(Protocol):
    async def get(self, voices: Iterable[str]) -> dict[str, RateSums]:
        """The sums of the voices (`engine:name`) that have any; others are left out."""
        ...

    async def add(self, sums: Mapping[str, RateSums]) -> None:
        """Adds these clips to each voice's sums."""
        ...
