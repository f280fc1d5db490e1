"""A media upload read straight off the request: the multipart body is parsed as it arrives and the
`file` part streamed into the blob store's writer, so a 4 GiB video never sits in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

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
        self._uploaded: UploadedFile | None = None

    async def file_chunks(self, *, limit: int) -> AsyncIterator[bytes]:
        media_type, options = self._request.content_type
        if media_type != "multipart/form-data":
            raise HTTPException(status_code=415, detail="send multipart/form-data with a `file` part")
        boundary = options.get("boundary")
        if not boundary:
            raise ValidationException("the multipart body has no boundary")
        if (self._request.content_length or 0) > limit + MULTIPART_SLACK_BYTES:
            raise PayloadTooLarge(f"media uploads are limited to {limit} bytes", code="upload_too_large")
        form = _Form(limit)
        parser = PushMultipartParser(boundary, max_segment_count=16)
        try:
            async for chunk in self._request.stream():
                if chunk:
                    for piece in form.feed(parser, chunk):
                        yield piece
            for piece in form.feed(parser, b""):
                yield piece
        except MultipartError as exc:
            raise ValidationException(f"the multipart body is malformed: {exc}") from None
        if not form.file_seen:
            raise ValidationException(
                "media uploads need a `file` part", extra=[{"key": "file", "message": "required"}]
            )
        self._uploaded = UploadedFile(filename=form.filename, size=form.size, fields=form.fields)

    def uploaded(self) -> UploadedFile:
        if self._uploaded is None:
            raise RuntimeError("the upload was not read to its end")
        return self._uploaded


class _Form:
    """Parser events to file bytes (batched) and the small fields around them."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self.fields: dict[str, str] = {}
        self._segment: MultipartSegment | None = None
        self._value = bytearray()
        self._pending = bytearray()
        self._in_file = False
        self.file_seen = False
        self.filename: str | None = None
        self.size = 0

    def feed(self, parser: PushMultipartParser, chunk: bytes) -> Iterator[bytes]:
        for event in parser.parse(chunk):
            if isinstance(event, MultipartSegment):
                self._start(event)
            elif event is None:
                if self._in_file and self._pending:
                    yield self._take()
                elif self._segment is not None and not self._in_file:
                    self.fields[self._segment.name] = self._value.decode("utf-8", errors="replace")
                self._segment, self._in_file = None, False
            elif self._in_file:
                self.size += len(event)
                if self.size > self._limit:
                    raise PayloadTooLarge(f"media uploads are limited to {self._limit} bytes", code="upload_too_large")
                self._pending += event
                if len(self._pending) >= _WRITE_BATCH:
                    yield self._take()
            else:
                self._value += event
                if len(self._value) > MAX_FIELD_BYTES:
                    raise ValidationException("a form field is too long")

    def _take(self) -> bytes:
        data, self._pending = bytes(self._pending), bytearray()
        return data

    def _start(self, segment: MultipartSegment) -> None:
        self._segment = segment
        self._value = bytearray()
        self._in_file = segment.name == "file"
        if self._in_file:
            if self.file_seen:
                raise ValidationException("send one `file` part")
            self.file_seen = True
            self.filename = segment.filename


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
