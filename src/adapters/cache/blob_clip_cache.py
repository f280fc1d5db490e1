"""The clip cache kept in a BlobStore, one blob of raw int16 PCM per content address: the layout before
clip packs (`packed_clip_cache`), which still reads clips stored this way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from application.errors import NotFound
from application.ports.blobs import BlobStore

CLIP_PREFIX = "clips"


class BlobClipCache:
    def __init__(self, store: BlobStore, prefix: str = CLIP_PREFIX) -> None:
        self._store = store
        self._prefix = prefix

    def _key(self, key: str) -> str:
        return f"{self._prefix}/{key[:2]}/{key}.pcm"

    def get(self, key: str) -> bytes | None:
        try:
            with self._store.reader(self._key(key)) as blob:
                return blob.read()
        except NotFound:
            return None

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        found = {key: self.get(key) for key in keys}
        return {key: pcm for key, pcm in found.items() if pcm is not None}

    def size(self, key: str) -> int | None:
        try:
            return self._store.size(self._key(key))
        except NotFound:
            return None

    def sizes(self, keys: Iterable[str]) -> dict[str, int]:
        found = {key: self.size(key) for key in keys}
        return {key: size for key, size in found.items() if size is not None}

    def put(self, key: str, pcm: bytes) -> None:
        with self._store.writer(self._key(key)) as blob:
            blob.write(pcm)

    def put_many(self, clips: Mapping[str, bytes]) -> None:
        for key, pcm in clips.items():
            self.put(key, pcm)
