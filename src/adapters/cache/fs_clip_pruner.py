"""Keeps the clip cache's directory within a size budget, least recently used clips first.

"Used" is the later of a file's modification time and access time. The clip cache sets the
modification time of the packs it reads (at most every ten minutes per process), since the kernel's
access time cannot be relied on (`relatime` refreshes it at most daily, `noatime` never); files of
the earlier one-file-per-clip layout only have their access time. Unfinished writes (dot-led
`.part` files) are never touched.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from application.ports.clip_cache import PruneReport


class FsClipCachePruner:
    def __init__(self, root: Path) -> None:
        self._root = Path(root)

    def _clips(self) -> list[tuple[float, int, Path]]:
        found: list[tuple[float, int, Path]] = []
        if not self._root.is_dir():
            return found
        for folder, _dirs, files in os.walk(self._root):
            for name in files:
                if name.startswith("."):
                    continue
                path = Path(folder, name)
                with contextlib.suppress(FileNotFoundError):
                    info = path.stat()
                    found.append((max(info.st_mtime, info.st_atime), info.st_size, path))
        return found

    def prune(self, *, max_bytes: int, keep_newer_than_s: float) -> PruneReport:
        clips = sorted(self._clips())  # least recently used first
        total = sum(size for _, size, _ in clips)
        recent = time.time() - keep_newer_than_s
        removed = freed = 0
        for used, size, path in clips:
            if total - freed <= max_bytes or used >= recent:
                break
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += 1
                freed += size
        return PruneReport(removed=removed, freed_bytes=freed, kept=len(clips) - removed, kept_bytes=total - freed)
