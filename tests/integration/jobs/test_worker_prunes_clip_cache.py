"""A running worker keeps its machine's clip cache within the size budget."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.support.jobs import worker_env, worker_process

pytestmark = pytest.mark.slow


def _clip(folder: Path, name: str, age_s: float) -> Path:
    path = folder / name[:2] / f"{name}.pcm"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * 4096)
    os.utime(path, (time.time() - age_s, time.time() - age_s))
    return path


def test_the_worker_prunes_old_clips_beyond_the_budget_and_keeps_recent_ones(
    clean_database: str, data_dir: Path, tmp_path: Path
) -> None:
    clips = data_dir / "blobs" / "clips"
    old = [_clip(clips, f"{n:02d}old", age_s=86_400 + n) for n in range(5)]
    fresh = _clip(clips, "fresh", age_s=10)
    env = worker_env(clean_database, data_dir, SUBDUB_CLIP_CACHE_MB="0", SUBDUB_CLIP_CACHE_PRUNE_SECONDS="0.5")
    with worker_process(env, tmp_path / "worker.log"):
        deadline = time.monotonic() + 60
        while any(path.exists() for path in old) and time.monotonic() < deadline:
            time.sleep(0.2)
    assert not any(path.exists() for path in old)
    assert fresh.exists()  # used within the hour: a render may be about to mix it
    assert "clip_cache.pruned" in (tmp_path / "worker.log").read_text()
