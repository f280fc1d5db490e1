"""Clip packs on disk: one file per batch, shared between processes, robust to pruning and damage."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from adapters.cache.blob_clip_cache import BlobClipCache
from adapters.cache.fs_clip_pruner import FsClipCachePruner
from adapters.cache.packed_clip_cache import PackedClipCache
from adapters.storage.fs_blob_store import FsBlobStore


def key(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def packs(root: Path) -> list[Path]:
    return sorted((root / "clips" / "packs").glob("*.pack"))


def test_a_batch_of_clips_is_one_file(tmp_path: Path) -> None:
    cache = PackedClipCache(FsBlobStore(tmp_path, durable=False))
    cache.put_many({key(str(n)): bytes([n]) * 1000 for n in range(64)})
    assert len(packs(tmp_path)) == 1
    assert list((tmp_path / "clips").iterdir()) == [tmp_path / "clips" / "packs"]  # no file per clip


def test_another_process_finds_the_clips_a_first_one_wrote(tmp_path: Path) -> None:
    writer = PackedClipCache(FsBlobStore(tmp_path, durable=False))
    reader = PackedClipCache(FsBlobStore(tmp_path, durable=False))  # its own index, as in another process
    assert reader.get(key("a")) is None
    writer.put_many({key("a"): b"\1" * 10, key("b"): b"\2" * 20})
    assert reader.get_many([key("a"), key("b")]) == {key("a"): b"\1" * 10, key("b"): b"\2" * 20}


def test_a_pruned_pack_turns_its_clips_into_misses(tmp_path: Path) -> None:
    cache = PackedClipCache(FsBlobStore(tmp_path, durable=False))
    cache.put_many({key("old"): b"\1" * 4000})
    old_pack = packs(tmp_path)[0]
    long_ago = time.time() - 7 * 86_400
    os.utime(old_pack, (long_ago, long_ago))
    cache.put_many({key("new"): b"\2" * 4000})

    report = FsClipCachePruner(tmp_path / "clips").prune(max_bytes=5000, keep_newer_than_s=3600)

    assert report.removed == 1 and not old_pack.exists()  # the least recently used pack, as a whole
    assert cache.get(key("old")) is None
    assert cache.get(key("new")) == b"\2" * 4000


def test_a_damaged_pack_is_skipped_and_the_others_still_read(tmp_path: Path) -> None:
    PackedClipCache(FsBlobStore(tmp_path, durable=False)).put_many({key("good"): b"\3" * 30})
    (tmp_path / "clips" / "packs" / "junk.pack").write_bytes(b"not a pack at all")
    (tmp_path / "clips" / "packs" / "truncated.pack").write_bytes(b"SUBDUBCP\xff\xff\x00\x00")
    fresh = PackedClipCache(FsBlobStore(tmp_path, durable=False))
    assert fresh.get_many([key("good"), key("other")]) == {key("good"): b"\3" * 30}


def test_clips_of_the_one_file_per_clip_layout_are_still_read(tmp_path: Path) -> None:
    BlobClipCache(FsBlobStore(tmp_path, durable=False)).put(key("legacy"), b"\4" * 50)
    cache = PackedClipCache(FsBlobStore(tmp_path, durable=False))
    assert cache.get(key("legacy")) == b"\4" * 50
    assert cache.get_many([key("legacy"), key("none")]) == {key("legacy"): b"\4" * 50}


def test_reading_a_pack_marks_it_used_so_the_pruner_keeps_it(tmp_path: Path) -> None:
    # the atime the kernel keeps cannot be relied on (relatime refreshes it at most daily, noatime
    # never): the cache marks the packs it reads itself, through the pack's modification time
    PackedClipCache(FsBlobStore(tmp_path, durable=False)).put_many({key("a"): b"\1" * 4000})
    pack = packs(tmp_path)[0]
    long_ago = time.time() - 2 * 86_400
    os.utime(pack, (long_ago, long_ago))

    assert PackedClipCache(FsBlobStore(tmp_path, durable=False)).get(key("a")) == b"\1" * 4000  # a later render

    assert pack.stat().st_mtime > time.time() - 60
    report = FsClipCachePruner(tmp_path / "clips").prune(max_bytes=0, keep_newer_than_s=3600)
    assert report.removed == 0 and pack.exists()
