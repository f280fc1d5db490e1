"""The system clock and the UUIDv7 generator behind the Clock and IdGenerator ports."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import uuid_utils.compat as uuid_compat


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Uuid7Generator:
    def new_id(self) -> UUID:
        return uuid_compat.uuid7()
