"""The clip cache stays within its size budget: least recently used clips go first, recent ones stay."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from adapters.cache.fs_clip_pruner import FsClipCachePruner
from application.use_cases.prune_clip_cache import KEEP_RECENT_S, PruneClipCache

DAY = 86_400


def _clip(root: Path, name: str, size: int, age_s: float) -> Path:
    path = root / name[:2] / f"{name}.pcm"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * size)
    used = time.time() - age_s
    os.utime(path, (used, used))
    return path


async def test_the_least_recently_used_clips_go_until_the_budget_is_met(tmp_path: Path) -> None:
    clips = [_clip(tmp_path, f"{n:02d}aa", 1000, age_s=(10 - n) * DAY) for n in range(10)]  # clip 0 is oldest
    report = await PruneClipCache(FsClipCachePruner(tmp_path), max_bytes=4500).execute()
    assert [path.exists() for path in clips] == [False] * 6 + [True] * 4
    assert (report.removed, report.freed_bytes, report.kept, report.kept_bytes) == (6, 6000, 4, 4000)


async def test_a_clip_read_recently_outlives_older_writes(tmp_path: Path) -> None:
    written_long_ago = _clip(tmp_path, "aaaa", 1000, age_s=30 * DAY)
    read_yesterday = time.time() - DAY
    os.utime(written_long_ago, (read_yesterday, time.time() - 30 * DAY))  # atime: read by a mix yesterday
    newer_write = _clip(tmp_path, "bbbb", 1000, age_s=2 * DAY)
    await PruneClipCache(FsClipCachePruner(tmp_path), max_bytes=1000).execute()
    assert written_long_ago.exists() and not newer_write.exists()


async def test_clips_used_within_the_hour_stay_even_over_budget_and_partial_writes_are_left_alone(
    tmp_path: Path,
) -> None:
    recent = [_clip(tmp_path, f"r{n}aa", 1000, age_s=KEEP_RECENT_S / 2) for n in range(3)]
    partial = tmp_path / "r0" / ".r0aa.pcm.123.part"
    partial.write_bytes(b"\0" * 5000)
    old = _clip(tmp_path, "oldd", 1000, age_s=DAY)
    report = await PruneClipCache(FsClipCachePruner(tmp_path), max_bytes=0).execute()
    assert all(path.exists() for path in recent) and partial.exists()
    assert not old.exists()
    assert (report.removed, report.kept) == (1, 3)


async def test_a_missing_cache_directory_is_an_empty_cache(tmp_path: Path) -> None:
    report = await PruneClipCache(FsClipCachePruner(tmp_path / "never-made"), max_bytes=0).execute()
    assert (report.removed, report.kept, report.kept_bytes) == (0, 0, 0)


def test_the_cli_prunes_to_the_given_budget_and_refuses_a_negative_one(tmp_path: Path) -> None:
    clips_dir = tmp_path / "blobs" / "clips"
    kept = _clip(clips_dir, "keep", 2000, age_s=DAY)
    gone = _clip(clips_dir, "gone", 2000, age_s=2 * DAY)
    env = {**os.environ, "SUBDUB_DATA_DIR": str(tmp_path), "SUBDUB_ENV": "test", "SUBDUB_CLIP_CACHE_MB": "1"}
    command = [sys.executable, "-m", "entrypoints.cli.main", "cache", "prune"]
    untouched = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert "removed 0 cache files" in untouched.stdout and kept.exists() and gone.exists()  # 4 kB < 1 MiB budget
    refused = subprocess.run([*command, "--max-mb", "-1"], env=env, capture_output=True, text=True, check=False)
    assert refused.returncode == 2 and gone.exists()
    pruned = subprocess.run([*command, "--max-mb", "0"], env=env, capture_output=True, text=True, check=True)
    assert "removed 2 cache files" in pruned.stdout and not kept.exists() and not gone.exists()
