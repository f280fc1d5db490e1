"""Which BlobStore `SUBDUB_BLOB_URL` names: a directory (the default, under the data dir) or a bucket; the
clip cache and the preview scratch space built over it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import unquote, urlsplit

from adapters.cache.blob_clip_cache import CLIP_PREFIX
from adapters.cache.fs_clip_pruner import FsClipCachePruner
from adapters.cache.packed_clip_cache import PackedClipCache
from adapters.storage.fs_blob_store import FsBlobStore
from adapters.storage.read_through import ReadThroughBlobStore
from adapters.storage.s3_blob_store import S3BlobStore, S3Config
from application.errors import DependencyUnavailable
from application.ports.blobs import BlobStore
from entrypoints.settings import Settings, SettingsError


def local_blobs_dir(settings: Settings) -> Path:
    """This machine's blob directory: every blob with a file:// store, the clip cache's local layer with S3."""
    if settings.blob_url and settings.blob_url.startswith("file://"):
        return Path(unquote(urlsplit(settings.blob_url).path))
    return settings.data_dir / "blobs"


def is_shared(settings: Settings) -> bool:
    return bool(settings.blob_url and settings.blob_url.startswith("s3://"))


def blob_location(settings: Settings) -> str:
    """Where blobs go, for readiness and logs (never credentials: they are not part of the URL)."""
    if settings.blob_url and is_shared(settings):
        return settings.blob_url
    return str(local_blobs_dir(settings))


def s3_config(settings: Settings) -> S3Config:
    if not is_shared(settings) or settings.blob_url is None:
        raise ValueError("SUBDUB_BLOB_URL does not name a bucket")
    return S3Config(
        settings.blob_url,
        access_key_id=settings.aws_access_key_id,
        secret_access_key=settings.aws_secret_access_key,
        session_token=settings.aws_session_token,
        region=settings.aws_region,
        endpoint_url=settings.aws_endpoint_url,
    )


def make_blob_store(settings: Settings) -> BlobStore:
    """Artifacts (renders, uploaded media)."""
    if is_shared(settings):
        return S3BlobStore(s3_config(settings), spool_dir=settings.data_dir / "spool")
    return FsBlobStore(local_blobs_dir(settings))


def make_clip_store(settings: Settings) -> BlobStore:
    """The clip cache: the local directory alone, or the shared bucket read through the local directory."""
    local = FsBlobStore(local_blobs_dir(settings), durable=False)
    if is_shared(settings):
        return ReadThroughBlobStore(local, S3BlobStore(s3_config(settings), spool_dir=settings.data_dir / "spool"))
    return local


# What the store refused at start, and the variable to fix.
_START_ERRORS = {  # nosec B105 - names of variables, no secret
    "storage_key_unknown": "AWS_ACCESS_KEY_ID",
    "storage_secret_mismatch": "AWS_SECRET_ACCESS_KEY",
    "storage_credentials_refused": "AWS_ACCESS_KEY_ID",
    "storage_bucket_missing": "SUBDUB_BLOB_URL",
}


def check_blob_store(store: BlobStore, settings: Settings, *, timeout_s: float = 10.0) -> None:
    """At start: a store that refuses the credentials or has no such bucket stops the process with a
    message naming the variable; one that does not answer is left to readiness and the jobs' retries."""
    try:
        asyncio.run(asyncio.wait_for(store.check(), timeout_s))
    except TimeoutError:
        return
    except DependencyUnavailable as exc:
        variable = _START_ERRORS.get(exc.code)
        if variable is not None:
            raise SettingsError(variable, f"{exc.detail} ({blob_location(settings)})") from None


def make_clip_cache(settings: Settings) -> PackedClipCache:
    """Clips in the blob directory, or shared through the bucket with a local read-through copy."""
    return PackedClipCache(make_clip_store(settings), prefix=CLIP_PREFIX)


def make_clip_pruner(settings: Settings) -> FsClipCachePruner:
    """Prunes this machine's clip directory."""
    return FsClipCachePruner(local_blobs_dir(settings) / CLIP_PREFIX)


def make_preview_scratch(settings: Settings) -> FsBlobStore:
    """Where one-cue previews are rendered (not durable: a preview is answered and dropped)."""
    return FsBlobStore(local_blobs_dir(settings) / "previews", durable=False)
