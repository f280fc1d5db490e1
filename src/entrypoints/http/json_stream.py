"""A JSON document written while its parts are read: dicts, lists and plain values are encoded by
msgspec as usual, and every async iterator inside becomes a JSON array streamed item by item. Output
is cut into chunks of about 64 KiB, so memory stays bounded by one chunk plus one item."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import msgspec

CHUNK_BYTES = 64 * 1024
_ENCODER = msgspec.json.Encoder()


async def enveloped(sections: AsyncIterator[tuple[str, object]]) -> AsyncIterator[bytes]:
    """`{"data": {<name>: <value>, ...}, "meta": {}}`, the shape of every answer of the API."""
    out = bytearray(b'{"data":{')
    first = True
    async for name, value in sections:
        if not first:
            out += b","
        first = False
        _ENCODER.encode_into(name, out, -1)
        out += b":"
        async for _ in _write(value, out):
            if len(out) >= CHUNK_BYTES:
                yield bytes(out)
                out.clear()
    out += b'},"meta":{}}'
    yield bytes(out)


async def _write(value: Any, out: bytearray) -> AsyncIterator[None]:
    """Appends `value` to `out`, yielding wherever the caller may flush."""
    if isinstance(value, AsyncIterator):
        out += b"["
        first = True
        async for item in value:
            if not first:
                out += b","
            first = False
            async for _ in _write(item, out):
                yield
            yield
        out += b"]"
    elif isinstance(value, dict) and any(isinstance(v, AsyncIterator) for v in value.values()):
        out += b"{"
        for index, (key, item) in enumerate(value.items()):
            if index:
                out += b","
            _ENCODER.encode_into(key, out, -1)
            out += b":"
            async for _ in _write(item, out):
                yield
        out += b"}"
    else:
        _ENCODER.encode_into(value, out, -1)
