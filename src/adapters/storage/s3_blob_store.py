"""Blobs in an S3-compatible bucket (AWS S3, MinIO, R2, GCS interop) through obstore.

Publishing is atomic by S3's own rule: an object becomes visible only when its single PUT or its
CompleteMultipartUpload succeeds, so a write that fails or is interrupted leaves no object under its key
(obstore aborts the multipart upload). Uploads of a killed process stay as incomplete multipart uploads,
invisible to readers; a bucket lifecycle rule (AbortIncompleteMultipartUpload) reclaims them.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn, cast

import obstore
from obstore.exceptions import BaseError, NotFoundError, PermissionDeniedError, UnauthenticatedError
from obstore.store import S3Store

from adapters.storage.keys import check_key
from application.errors import DependencyUnavailable, NotFound

if TYPE_CHECKING:
    from obstore import ReadableFile

PART_BYTES = 8 * 1024 * 1024  # multipart part size (S3's minimum is 5 MiB)
SPOOL_BYTES = 8 * 1024 * 1024  # a writer keeps this much in memory before spilling to a temp file
READ_CHUNK = 256 * 1024
_PROBE_KEY = ".subdub-probe"  # never written


class S3Config:
    """Where the bucket is and how to sign: the `AWS_*` variables, read once at start."""

    def __init__(
        self,
        url: str,
        *,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        timeout_s: float = 120.0,
        connect_timeout_s: float = 3.0,
        max_retries: int = 3,
    ) -> None:
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        if not bucket:
            raise ValueError("an s3:// URL names a bucket: s3://bucket/optional/prefix")
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.access_key_id, self.secret_access_key, self.session_token = access_key_id, secret_access_key, session_token
        self.region, self.endpoint_url = region, endpoint_url
        self.timeout_s, self.connect_timeout_s, self.max_retries = timeout_s, connect_timeout_s, max_retries

    def make_store(self) -> S3Store:
        config: dict[str, Any] = {"region": self.region or "us-east-1"}
        for name, value in (
            ("access_key_id", self.access_key_id),
            ("secret_access_key", self.secret_access_key),
            ("session_token", self.session_token),
            ("endpoint", self.endpoint_url),
        ):
            if value:
                config[name] = value
        return S3Store(
            self.bucket,
            prefix=self.prefix or None,
            config=cast(Any, config),
            client_options={
                "allow_http": bool(self.endpoint_url and self.endpoint_url.startswith("http://")),
                "connect_timeout": timedelta(seconds=self.connect_timeout_s),
                "timeout": timedelta(seconds=self.timeout_s),
            },
            retry_config={
                "max_retries": self.max_retries,
                "retry_timeout": timedelta(seconds=self.timeout_s),
                "backoff": {"init_backoff": timedelta(milliseconds=100), "max_backoff": timedelta(seconds=5)},
            },
        )


def _raise(exc: Exception, key: str) -> NoReturn:
    if isinstance(exc, NotFoundError | FileNotFoundError):  # obstore raises the builtin for a 404
        raise NotFound("blob", key) from None
    if isinstance(exc, PermissionDeniedError | UnauthenticatedError):
        _raise_refused(exc)
    raise DependencyUnavailable("storage", "the object store did not answer", code="storage_unavailable") from exc


@contextlib.contextmanager
def _translated(key: str) -> Iterator[None]:
    try:
        yield
    except (BaseError, FileNotFoundError) as exc:
        _raise(exc, key)


class S3BlobStore:
    def __init__(self, config: S3Config, *, spool_dir: Path | None = None) -> None:
        self._config = config
        self._store = config.make_store()
        self._spool_dir = spool_dir

    @property
    def location(self) -> str:
        return f"s3://{self._config.bucket}/{self._config.prefix}".rstrip("/")

    @contextlib.contextmanager
    def writer(self, key: str) -> Iterator[BinaryIO]:
        check_key(key)
        spool_dir = str(self._spool_dir) if self._spool_dir else None
        if self._spool_dir:
            self._spool_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, dir=spool_dir) as spool:
            yield cast(BinaryIO, spool)  # an exception here skips the upload: nothing is published
            spool.seek(0)
            with _translated(key):
                obstore.put(self._store, key, cast(BinaryIO, spool), chunk_size=PART_BYTES, max_concurrency=4)

    @contextlib.contextmanager
    def reader(self, key: str) -> Iterator[BinaryIO]:
        check_key(key)
        with _translated(key):
            remote = obstore.open_reader(self._store, key, buffer_size=1024 * 1024)
        handle = _ObjectFile(remote, key)
        try:
            yield cast(BinaryIO, handle)
        finally:
            remote.close()

    def delete(self, key: str) -> bool:
        if not self.exists(key):
            return False
        with _translated(key):
            obstore.delete(self._store, key)
        return True

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except NotFound:
            return False
        return True

    def size(self, key: str) -> int:
        check_key(key)
        with _translated(key):
            return int(obstore.head(self._store, key)["size"])

    def touch(self, key: str) -> bool:
        """Reports whether the blob exists: S3 keeps no access time (a bucket lifecycle rule expires
        the shared clip cache; each machine's local read-through layer keeps its own recency)."""
        return self.exists(key)

    def keys(self, folder: str) -> list[str]:
        check_key(folder)
        with _translated(folder):
            listing = obstore.list_with_delimiter(self._store, folder)
        return [meta["path"] for meta in listing["objects"]]

    def discard_partials(self, key: str) -> int:
        return 0  # an interrupted upload never becomes an object (see the module's note)

    async def put_chunks(self, key: str, chunks: AsyncIterable[bytes]) -> int:
        check_key(key)
        size = 0

        async def counted() -> AsyncIterator[bytes]:
            nonlocal size
            async for chunk in chunks:
                size += len(chunk)
                yield chunk

        with _translated(key):
            await obstore.put_async(self._store, key, counted(), chunk_size=PART_BYTES, max_concurrency=4)
        return size

    async def put_file(self, key: str, path: Path) -> int:
        check_key(key)
        with _translated(key):
            await obstore.put_async(self._store, key, Path(path), chunk_size=PART_BYTES, max_concurrency=4)
            return int((await obstore.head_async(self._store, key))["size"])

    async def stat(self, key: str) -> int:
        check_key(key)
        with _translated(key):
            return int((await obstore.head_async(self._store, key))["size"])

    async def read_range(self, key: str, first: int, last: int) -> AsyncIterator[bytes]:
        check_key(key)
        with _translated(key):
            result = await obstore.get_async(self._store, key, options={"range": (first, last + 1)})
        return _stream(result.stream(min_chunk_size=READ_CHUNK), key)

    async def delete_many(self, keys: Iterable[str]) -> None:
        paths = [check_key(key) for key in keys]
        if paths:
            with _translated(paths[0]):
                await obstore.delete_async(self._store, paths)

    async def check(self) -> None:
        """A GET of a key never written: 404 proves the bucket and the credentials (GET, not HEAD, since
        only a GET's error has a body naming what S3 refused)."""
        try:
            await obstore.get_async(self._store, _PROBE_KEY)
        except (NotFoundError, FileNotFoundError) as exc:
            if "NoSuchBucket" in str(exc):
                raise DependencyUnavailable(
                    "storage", f"the bucket {self._config.bucket} does not exist", code="storage_bucket_missing"
                ) from None
        except PermissionDeniedError as exc:
            if "AccessDenied" in str(exc):
                return  # signed correctly, only not allowed to list: a missing key reads as denied
            _raise_refused(exc)
        except BaseError as exc:
            _raise(exc, _PROBE_KEY)


def _raise_refused(exc: Exception) -> NoReturn:
    text = str(exc)
    if "InvalidAccessKeyId" in text:
        code, detail = "storage_key_unknown", "the object store does not know this access key"
    elif "SignatureDoesNotMatch" in text:
        code, detail = "storage_secret_mismatch", "the secret key does not match the access key"
    else:
        code, detail = "storage_credentials_refused", "the object store refused the credentials"
    raise DependencyUnavailable("storage", detail, code=code) from exc


async def _stream(chunks: AsyncIterator[Any], key: str) -> AsyncIterator[bytes]:
    with _translated(key):
        async for chunk in chunks:
            yield bytes(chunk)


class _ObjectFile(io.RawIOBase):
    """A seekable read-only file over ranged GETs (obstore buffers them)."""

    def __init__(self, remote: ReadableFile, key: str) -> None:
        self._remote, self._key = remote, key

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._remote.seek(offset, whence)

    def tell(self) -> int:
        return self._remote.tell()

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        with _translated(self._key):
            data = self._remote.read(len(view))
        view[: len(data)] = memoryview(data)
        return len(data)

    def read(self, size: int = -1) -> bytes:
        with _translated(self._key):
            return bytes(self._remote.read() if size is None or size < 0 else self._remote.read(size))
