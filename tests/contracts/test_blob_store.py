"""One BlobStore contract, run against the filesystem store, the in-memory fake and the S3 store
(a real S3 API served by moto): publish-or-nothing writes, reads, ranges, listing and deletion."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.storage.fs_blob_store import FsBlobStore
from adapters.storage.s3_blob_store import PART_BYTES, S3BlobStore, S3Config
from application.errors import NotFound
from application.ports.blobs import BlobStore
from tests.fakes.storage import InMemoryBlobStore
from tests.support.s3 import ACCESS_KEY, SECRET_KEY, new_bucket, object_keys, open_multipart_uploads

# covers: S-CODE-5


def s3_store(endpoint: str, tmp_path: Path, prefix: str = "") -> tuple[S3BlobStore, str]:
    bucket = new_bucket(endpoint)
    config = S3Config(
        f"s3://{bucket}/{prefix}",
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
        region="us-east-1",
        endpoint_url=endpoint,
    )
    return S3BlobStore(config, spool_dir=tmp_path / "spool"), bucket


@pytest.fixture(params=["fs", "fake", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobStore]:
    if request.param == "fs":
        yield FsBlobStore(tmp_path / "blobs")
    elif request.param == "fake":
        yield InMemoryBlobStore()
    else:
        endpoint = request.getfixturevalue("s3_endpoint")
        yield s3_store(endpoint, tmp_path, prefix="tenant/a")[0]


def write(store: BlobStore, key: str, data: bytes) -> None:
    with store.writer(key) as sink:
        sink.write(data)


def broken_write(store: BlobStore, key: str, data: bytes) -> None:
    with store.writer(key) as sink:
        sink.write(data)
        raise RuntimeError("render failed")


def read(store: BlobStore, key: str) -> bytes:
    with store.reader(key) as source:
        return source.read()


async def gather(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


async def chunked(*parts: bytes, fail_after: int | None = None) -> AsyncIterator[bytes]:
    for index, part in enumerate(parts):
        if fail_after is not None and index == fail_after:
            raise ConnectionResetError("the client went away")
        yield part
        await asyncio.sleep(0)


def test_a_writer_publishes_on_a_clean_exit_only(store: BlobStore) -> None:
    with store.writer("renders/a.wav") as sink:
        sink.write(b"RIFF----")
        assert not store.exists("renders/a.wav")
        sink.write(b"payload")
        sink.seek(4)
        sink.write(b"\x0f\x00\x00\x00")  # a header patched after the data, as WAV writers do
    assert read(store, "renders/a.wav") == b"RIFF\x0f\x00\x00\x00payload"
    assert store.size("renders/a.wav") == 15

    with pytest.raises(RuntimeError):
        broken_write(store, "renders/a.wav", b"a newer but broken version")
    assert read(store, "renders/a.wav") == b"RIFF\x0f\x00\x00\x00payload"
    with pytest.raises(RuntimeError):
        broken_write(store, "renders/b.wav", b"never finished")
    assert not store.exists("renders/b.wav")
    assert store.keys("renders") == ["renders/a.wav"]


def test_readers_seek_and_missing_blobs_are_not_found(store: BlobStore) -> None:
    data = bytes(range(256)) * 40
    write(store, "clips/pack", data)
    with store.reader("clips/pack") as source:
        source.seek(1000)
        assert source.read(10) == data[1000:1010]
        source.seek(-5, os.SEEK_END)
        assert source.read() == data[-5:]
    with pytest.raises(NotFound), store.reader("clips/none"):
        pass
    with pytest.raises(NotFound):
        store.size("clips/none")
    assert store.exists("clips/none") is False
    assert store.touch("clips/pack") is True
    assert store.touch("clips/none") is False


def test_keys_list_one_folder_and_delete_reports_what_it_did(store: BlobStore) -> None:
    for key in ("f/a", "f/b", "f/sub/c", "g/d"):
        write(store, key, b"x")
    assert sorted(store.keys("f")) == ["f/a", "f/b"]
    assert store.keys("empty") == []
    assert store.delete("f/a") is True
    assert store.delete("f/a") is False
    assert sorted(store.keys("f")) == ["f/b"]


def test_keys_are_relative_paths(store: BlobStore) -> None:
    if isinstance(store, InMemoryBlobStore):
        pytest.skip("the fake takes any key")
    for key in ("", "../escape", "a//b", "/abs", ".hidden", "a/.part"):
        with pytest.raises(ValueError, match="invalid blob key"), store.writer(key):
            pass


async def test_streamed_puts_ranges_and_bulk_delete(store: BlobStore, tmp_path: Path) -> None:
    size = await store.put_chunks("uploads/u1", chunked(b"ab", b"cdef", b"", b"ghij"))
    assert size == 10
    assert await store.stat("uploads/u1") == 10
    assert await gather(await store.read_range("uploads/u1", 0, 9)) == b"abcdefghij"
    assert await gather(await store.read_range("uploads/u1", 3, 6)) == b"defg"
    assert await gather(await store.read_range("uploads/u1", 9, 9)) == b"j"

    source = tmp_path / "media.bin"
    source.write_bytes(b"m" * 70_000)
    assert await store.put_file("uploads/u2", source) == 70_000
    assert read(store, "uploads/u2") == b"m" * 70_000

    with pytest.raises(NotFound):
        await store.read_range("uploads/none", 0, 1)
    with pytest.raises(NotFound):
        await store.stat("uploads/none")
    await store.delete_many(["uploads/u1", "uploads/u2", "uploads/none"])
    assert store.keys("uploads") == []
    await store.delete_many([])
    await store.check()


async def test_an_interrupted_stream_publishes_nothing(store: BlobStore) -> None:
    await store.put_chunks("uploads/keep", chunked(b"old"))
    with pytest.raises(ConnectionResetError):
        await store.put_chunks("uploads/keep", chunked(b"new", b"more", fail_after=1))
    with pytest.raises(ConnectionResetError):
        await store.put_chunks("uploads/fresh", chunked(b"x", b"y", fail_after=1))
    assert store.keys("uploads") == ["uploads/keep"]
    assert read(store, "uploads/keep") == b"old"


# --- S3 only: multipart, prefixes, what is left in the bucket ---------------------------------------


async def test_large_uploads_go_multipart_and_an_interrupted_one_leaves_no_object(
    s3_endpoint: str, tmp_path: Path
) -> None:
    store, bucket = s3_store(s3_endpoint, tmp_path, prefix="p")
    part = os.urandom(PART_BYTES)

    async def parts(fail: bool) -> AsyncIterator[bytes]:
        for _ in range(2):
            yield part
        if fail:
            raise ConnectionResetError("client went away")
        yield b"tail"

    assert await store.put_chunks("media/big", parts(fail=False)) == 2 * PART_BYTES + 4
    assert await gather(await store.read_range("media/big", PART_BYTES - 2, PART_BYTES + 1)) == part[-2:] + part[:2]
    with pytest.raises(ConnectionResetError):
        await store.put_chunks("media/broken", parts(fail=True))
    assert object_keys(s3_endpoint, bucket) == ["p/media/big"]
    assert open_multipart_uploads(s3_endpoint, bucket) == 0  # the aborted upload's parts are gone too

    with store.writer("renders/r.wav") as sink:  # spooled to disk past the memory threshold, then multipart
        for _ in range(3):
            sink.write(part)
    assert store.size("renders/r.wav") == 3 * PART_BYTES
    assert sorted(object_keys(s3_endpoint, bucket)) == ["p/media/big", "p/renders/r.wav"]


def test_two_prefixes_in_one_bucket_do_not_see_each_other(s3_endpoint: str, tmp_path: Path) -> None:
    first, bucket = s3_store(s3_endpoint, tmp_path, prefix="one")
    config: Any = S3Config(
        f"s3://{bucket}/two",
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
        endpoint_url=s3_endpoint,
    )
    second = S3BlobStore(config)
    write(first, "renders/x", b"1")
    assert second.exists("renders/x") is False
    assert second.keys("renders") == []
    assert object_keys(s3_endpoint, bucket) == ["one/renders/x"]
