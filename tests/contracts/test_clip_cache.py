"""One contract for every ClipCache: the in-memory fake, one file per clip, and clip packs (on disk,
on the in-memory BlobStore, and on a shared store read through a local directory)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from adapters.cache.blob_clip_cache import BlobClipCache
from adapters.cache.packed_clip_cache import PackedClipCache
from adapters.storage.fs_blob_store import FsBlobStore
from adapters.storage.read_through import ReadThroughBlobStore
from application.ports.blobs import BlobStore
from application.ports.clip_cache import ClipCache
from tests.fakes.storage import InMemoryBlobStore, InMemoryClipCache

CACHES: dict[str, Callable[[Path], ClipCache]] = {
    "fake": lambda _: InMemoryClipCache(),
    "file-per-clip": lambda root: BlobClipCache(FsBlobStore(root, durable=False)),
    "packs-on-disk": lambda root: PackedClipCache(FsBlobStore(root, durable=False)),
    "packs-in-memory": lambda _: PackedClipCache(InMemoryBlobStore()),
    # the shared clip cache of several machines: a bucket (here the fake) read through a local directory
    "packs-read-through": lambda root: PackedClipCache(
        ReadThroughBlobStore(FsBlobStore(root, durable=False), InMemoryBlobStore())
    ),
}


def key(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


@pytest.fixture(params=list(CACHES))
def cache(request: pytest.FixtureRequest, tmp_path: Path) -> ClipCache:
    return CACHES[request.param](tmp_path)


def test_a_clip_comes_back_as_it_was_stored(cache: ClipCache) -> None:
    pcm = bytes(range(256)) * 40
    cache.put(key("a"), pcm)
    assert cache.get(key("a")) == pcm
    assert cache.get(key("missing")) is None


def test_clips_stored_together_are_found_together_and_misses_are_left_out(cache: ClipCache) -> None:
    clips = {key(str(n)): bytes([n]) * (100 + n) for n in range(20)}
    cache.put_many(clips)
    wanted = [key("3"), key("missing"), key("17"), key("3")]
    assert cache.get_many(wanted) == {key("3"): clips[key("3")], key("17"): clips[key("17")]}
    assert all(cache.get(k) == pcm for k, pcm in clips.items())


def test_sizes_are_known_without_reading_the_clips(cache: ClipCache) -> None:
    clips = {key(str(n)): bytes([n]) * (10 + n) for n in range(5)}
    cache.put_many(clips)
    cache.put(key("empty"), b"")
    wanted = [key("1"), key("missing"), key("4"), key("empty")]
    assert cache.sizes(wanted) == {key("1"): 11, key("4"): 14, key("empty"): 0}


def test_an_empty_clip_is_a_hit_not_a_miss(cache: ClipCache) -> None:
    # a cue of pure silence trims to nothing: found empty, so it is not synthesized again
    cache.put_many({key("silence"): b"", key("word"): b"\1\2"})
    assert cache.get(key("silence")) == b""
    assert cache.get_many([key("silence")]) == {key("silence"): b""}


@pytest.mark.parametrize("store", ["disk", "memory"])
def test_a_store_lists_the_blobs_of_one_folder_and_marks_one_used(store: str, tmp_path: Path) -> None:
    blobs: BlobStore = FsBlobStore(tmp_path) if store == "disk" else InMemoryBlobStore()
    for name in ("packs/a.pack", "packs/b.pack", "packs/deeper/c.pack", "other/d.pack"):
        with blobs.writer(f"clips/{name}") as out:
            out.write(b"x")
    assert sorted(blobs.keys("clips/packs")) == ["clips/packs/a.pack", "clips/packs/b.pack"]
    assert blobs.keys("clips/none") == []
    assert blobs.touch("clips/packs/a.pack")
    assert not blobs.touch("clips/packs/gone.pack")
