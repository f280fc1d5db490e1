"""A media upload read straight off the request: the multipart body is parsed as it arrives and the
`file` part streamed into the blob store's writer, so a 4 GiB video never sits in memory."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, BinaryIO

from litestar import Request
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from multipart import MultipartError, MultipartSegment, PushMultipartParser

from application.errors import PayloadTooLarge
from application.use_cases.media.project_media import UploadedFile

# Multipart framing around the file: boundaries, part headers and the small form fields.
MULTIPART_SLACK_BYTES = 64 * 1024
MAX_FIELD_BYTES = 1024
_WRITE_BATCH = 1024 * 1024


class StreamedUpload:
    def __init__(self, request: Request[Any, Any, Any]) -> None:
        self._request = request

    async def copy_file(self, sink: BinaryIO, *, limit: int) -> UploadedFile:
        media_type, options = self._request.content_type
        if media_type != "multipart/form-data":
            raise HTTPException(status_code=415, detail="send multipart/form-data with a `file` part")
        boundary = options.get("boundary")
        if not boundary:
            raise ValidationException("the multipart body has no boundary")
        if (self._request.content_length or 0) > limit + MULTIPART_SLACK_BYTES:
            raise PayloadTooLarge(f"media uploads are limited to {limit} bytes", code="upload_too_large")
        return await _Copy(sink, limit).run(self._request, boundary)


class _Copy:
    def __init__(self, sink: BinaryIO, limit: int) -> None:
        self._sink = sink
        self._limit = limit
        self._fields: dict[str, str] = {}
        self._segment: MultipartSegment | None = None
        self._value = bytearray()
        self._pending = bytearray()
        self._in_file = False
        self._file_seen = False
        self._filename: str | None = None
        self._size = 0

    async def run(self, request: Request[Any, Any, Any], boundary: str) -> UploadedFile:
        parser = PushMultipartParser(boundary, max_segment_count=16)
        try:
            async for chunk in request.stream():
                if chunk:
                    await self._events(parser, chunk)
            await self._events(parser, b"")
        except MultipartError as exc:
            raise ValidationException(f"the multipart body is malformed: {exc}") from None
        if not self._file_seen:
            raise ValidationException(
                "media uploads need a `file` part", extra=[{"key": "file", "message": "required"}]
            )
        return UploadedFile(filename=self._filename, size=self._size, fields=self._fields)

    async def _events(self, parser: PushMultipartParser, chunk: bytes) -> None:
        for event in parser.parse(chunk):
            if isinstance(event, MultipartSegment):
                self._start(event)
            elif event is None:
                await self._end()
            elif self._in_file:
                self._size += len(event)
                if self._size > self._limit:
                    raise PayloadTooLarge(f"media uploads are limited to {self._limit} bytes", code="upload_too_large")
                self._pending += event
                if len(self._pending) >= _WRITE_BATCH:
                    await self._flush()
            else:
                self._value += event
                if len(self._value) > MAX_FIELD_BYTES:
                    raise ValidationException(f"form field {self._segment.name if self._segment else ''!r} is too long")

    def _start(self, segment: MultipartSegment) -> None:
        self._segment = segment
        self._value = bytearray()
        self._in_file = segment.name == "file"
        if self._in_file:
            if self._file_seen:
                raise ValidationException("send one `file` part")
            self._file_seen = True
            self._filename = segment.filename

    async def _end(self) -> None:
        if self._in_file:
            await self._flush()
        elif self._segment is not None:
            self._fields[self._segment.name] = self._value.decode("utf-8", errors="replace")
        self._segment, self._in_file = None, False

    async def _flush(self) -> None:
        if self._pending:
            data, self._pending = bytes(self._pending), bytearray()
            await asyncio.to_thread(self._sink.write, data)


_UPLOAD_BODY = Schema(
    type=OpenAPIType.OBJECT,
    required=["file"],
    properties={
        "file": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY, description="video or audio"),
        "role": Schema(type=OpenAPIType.STRING, enum=["original", "music_effects"], description="default original"),
    },
)


@dataclass
class MediaUploadOperation(Operation):
    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True, content={"multipart/form-data": OpenAPIMediaType(schema=_UPLOAD_BODY)}
        )
