"""Video metadata from a video platform (Dailymotion)."""

from __future__ import annotations

from application.actor import Actor
from application.errors import ProviderDisabled
from application.ports.catalog import VideoCatalog, VideoMetadata


class LookupVideo:
    def __init__(self, catalog: VideoCatalog | None) -> None:
        self._catalog = catalog

    async def execute(self, actor: Actor, video_id: str) -> VideoMetadata:
        if self._catalog is None:
            raise ProviderDisabled("dailymotion")
        return await self._catalog.video(video_id.strip())
