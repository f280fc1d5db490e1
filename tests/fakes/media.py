"""In-memory project media behind the MediaRepository port."""

from __future__ import annotations

from uuid import UUID

from domain.media import Media


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

    async def list_for_project(self, project_id: UUID, *, limit: int, after_id: UUID | None) -> list[Media]:
        rows = sorted((m for m in self._items.values() if m.project_id == project_id), key=lambda m: m.id)
        return [m for m in rows if after_id is None or m.id > after_id][:limit]

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
