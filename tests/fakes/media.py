"""In-memory project media behind the MediaRepository port."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import BinaryIO
from uuid import UUID

from application.pagination import PageOf, PageRequest, page_from
from application.ports.media import DubDelivery
from domain.media import Media
from domain.render_report import DeliveryReport


class InMemoryMediaRepository:
    def __init__(self, items: dict[UUID, Media], track_projects: dict[UUID, UUID] | None = None) -> None:
        self._items = items
        self._track_projects = track_projects if track_projects is not None else {}

    async def add(self, media: Media) -> None:
        self._items[media.id] = media

    async def get(self, project_id: UUID, media_id: UUID) -> Media | None:
        media = self._items.get(media_id)
        return media if media is not None and media.project_id == project_id else None

    async def find_for_track(self, track_id: UUID, media_id: UUID) -> Media | None:
        project_id = self._track_projects.get(track_id)
        return None if project_id is None else await self.get(project_id, media_id)

    async def list_for_project(self, project_id: UUID, page: PageRequest[UUID]) -> PageOf[Media]:
        rows = sorted((m for m in self._items.values() if m.project_id == project_id), key=lambda m: m.id)
        after = [m for m in rows if page.after is None or m.id > page.after][: page.fetch]
        return page_from(after, page, lambda m: m.id)

    async def delete(self, project_id: UUID, media_id: UUID) -> bool:
        if await self.get(project_id, media_id) is None:
            return False
        del self._items[media_id]
        return True

    async def delete_for_project(self, project_id: UUID) -> list[Media]:
        gone = [m for m in self._items.values() if m.project_id == project_id]
        for media in gone:
            del self._items[media.id]
        return gone


class RecordingDeliverer:
    """A MediaDeliverer that copies the voice stem to the sink in `steps` progress reports, `pause_s` apart,
    recording the plan it was given (the PyAV one is tested on real files)."""

    def __init__(self, steps: int = 4, pause_s: float = 0.0) -> None:
        self.steps = steps
        self.pause_s = pause_s
        self.plans: list[DubDelivery] = []

    def deliver(
        self,
        plan: DubDelivery,
        *,
        voice: BinaryIO,
        original: BinaryIO | None,
        bed: BinaryIO | None,
        sink: BinaryIO,
        progress: Callable[[float], None],
    ) -> DeliveryReport:
        self.plans.append(plan)
        for step in range(1, self.steps + 1):
            time.sleep(self.pause_s)
            progress(step / self.steps)
        sink.write(b"DUB" + voice.read())
        return DeliveryReport(duration_ms=1000, dub_codec="fake", mix_lufs=None, mix_peak_dbfs=None)
