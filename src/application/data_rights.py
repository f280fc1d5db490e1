"""Right to be forgotten (S-SEC-9): each area that stores something about a user plugs in here.

An area adds one `DataContributor` to the container's `data_contributors` list. Export asks every
contributor for its section; any async iterator in a section is sent as a JSON array, item by item,
while it is read, so a section may hold hundreds of thousands of cues in constant memory. Erasure asks
every contributor to remove or anonymise what it holds, all inside the one transaction of the erasure,
before the account itself is erased.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.ports.unit_of_work import UnitOfWork


class DataContributor(Protocol):
    section: str  # the key of this area's data in the export, e.g. "projects"

    async def export(self, uow: UnitOfWork, user_id: UUID) -> object:
        """Everything this area stores about, or authored by, the user: JSON-encodable values, dicts and
        lists, where any async iterator is a list read lazily inside the export's transaction."""
        ...

    async def erase(self, uow: UnitOfWork, user_id: UUID, *, now: datetime) -> None:
        """Delete what the user owns and strip their personal data from what must stay."""
        ...
