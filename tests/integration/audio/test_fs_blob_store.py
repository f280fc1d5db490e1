"""The filesystem blob store: atomic publish, nothing left behind on failure, keys confined to the root."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.cache.blob_clip_cache import BlobClipCache
from adapters.storage.fs_blob_store import FsBlobStore
from application.errors import NotFound


def test_write_publishes_atomically_and_reads_back(tmp_path: Path) -> None:
    store = FsBlobStore(tmp_path)
    with store.writer("renders/a.wav") as sink:
        sink.write(b"half")
        assert not store.exists("renders/a.wav")  # not visible until the block ends
        sink.write(b" and the rest")
    assert store.exists("renders/a.wav")
    assert store.size("renders/a.wav") == 17
    with store.reader("renders/a.wav") as source:
        assert source.read() == b"half and the rest"
    assert [p.name for p in (tmp_path / "renders").iterdir()] == ["a.wav"]


def test_a_failed_write_leaves_nothing_and_keeps_the_previous_version(tmp_path: Path) -> None:
    store = FsBlobStore(tmp_path)
    with store.writer("x/out.flac") as sink:
        sink.write(b"old")

    def interrupted_write() -> None:
        with store.writer("x/out.flac") as sink:
            sink.write(b"new but interrupted")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted_write()
    with store.reader("x/out.flac") as source:
        assert source.read() == b"old"
    assert [p.name for p in (tmp_path / "x").iterdir()] == ["out.flac"]


def test_missing_blobs_and_deletes(tmp_path: Path) -> None:
    store = FsBlobStore(tmp_path)
    with pytest.raises(NotFound), store.reader("nope"):
        pass
    with pytest.raises(NotFound):
        store.size("nope")
    assert store.delete("nope") is False
    with store.writer("yes") as sink:
        sink.write(b"1")
    assert store.delete("yes") is True
    assert not store.exists("yes")


@pytest.mark.parametrize("key", ["", "../escape", "a/../../b", "/abs", "a//b", ".hidden", "a/.part"])
def test_keys_cannot_leave_the_root(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="invalid blob key"):
        FsBlobStore(tmp_path).path_of(key)


def test_clip_cache_round_trip(tmp_path: Path) -> None:
    cache = BlobClipCache(FsBlobStore(tmp_path, durable=False))
    key = "ab" + "0" * 62
    assert cache.get(key) is None
    cache.put(key, b"\x01\x02")
    assert cache.get(key) == b"\x01\x02"
    assert (tmp_path / "clips" / "ab" / f"{key}.pcm").is_file()
