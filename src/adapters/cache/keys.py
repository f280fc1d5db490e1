"""Cache keys that include every parameter affecting the result (S-EXT-4)."""

from __future__ import annotations

import hashlib
import json


def cache_key(namespace: str, **params: object) -> str:
    """`namespace:v1:<sha256 of the sorted parameters>`; None-valued parameters count as given."""
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
    return f"{namespace}:v1:{hashlib.sha256(canonical.encode()).hexdigest()[:32]}"
