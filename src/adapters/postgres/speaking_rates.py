"""Per-voice speaking-rate sums in PostgreSQL (one row per voice, added to in place)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from psycopg import AsyncConnection

from domain.speaking_rate import RateSums

SELECT = "SELECT voice, clips, chars, ms, chars_sq, chars_ms FROM speaking_rates WHERE voice = ANY(%(voices)s)"
ADD = """
INSERT INTO speaking_rates AS s (voice, clips, chars, ms, chars_sq, chars_ms)
VALUES (%(voice)s, %(clips)s, %(chars)s, %(ms)s, %(chars_sq)s, %(chars_ms)s)
ON CONFLICT (voice) DO UPDATE SET
    clips = s.clips + excluded.clips,
    chars = s.chars + excluded.chars,
    ms = s.ms + excluded.ms,
    chars_sq = s.chars_sq + excluded.chars_sq,
    chars_ms = s.chars_ms + excluded.chars_ms,
    updated_at = now()
"""


class PostgresSpeakingRates:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def get(self, voices: Iterable[str]) -> dict[str, RateSums]:
        cur = await self._conn.execute(SELECT, {"voices": sorted(set(voices))})
        return {
            row[0]: RateSums(clips=row[1], chars=row[2], ms=row[3], chars_sq=row[4], chars_ms=row[5])
            for row in await cur.fetchall()
        }

    async def add(self, sums: Mapping[str, RateSums]) -> None:
        for voice in sorted(sums):  # one order for every writer: no deadlock between two renders
            item = sums[voice]
            await self._conn.execute(
                ADD,
                {
                    "voice": voice,
                    "clips": item.clips,
                    "chars": item.chars,
                    "ms": item.ms,
                    "chars_sq": item.chars_sq,
                    "chars_ms": item.chars_ms,
                },
            )
