"""OpenAPI for the one route that takes either JSON or a multipart upload (Litestar documents one body)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema

_STRING = Schema(type=OpenAPIType.STRING)
_INTEGER = Schema(type=OpenAPIType.INTEGER)
_CUE = Schema(
    type=OpenAPIType.OBJECT,
    required=["start_ms", "end_ms", "text"],
    properties={
        "start_ms": _INTEGER,
        "end_ms": _INTEGER,
        "text": _STRING,
        "speaker": Schema(type=OpenAPIType.STRING, max_length=100),
        "spoken": Schema(type=OpenAPIType.BOOLEAN),
    },
)
_JSON_BODY = Schema(
    type=OpenAPIType.OBJECT,
    required=["language"],
    properties={"language": _STRING, "label": _STRING, "cues": Schema(type=OpenAPIType.ARRAY, items=_CUE)},
)
_UPLOAD_BODY = Schema(
    type=OpenAPIType.OBJECT,
    required=["file", "language"],
    properties={
        "file": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY, description="SRT, WebVTT, ASS or SSA"),
        "language": _STRING,
        "label": _STRING,
        "encoding": Schema(
            type=OpenAPIType.STRING, description="read the file in this encoding (e.g. cp1252) instead of detecting one"
        ),
    },
)


@dataclass
class TrackCreationOperation(Operation):
    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            content={
                "application/json": OpenAPIMediaType(schema=_JSON_BODY),
                "multipart/form-data": OpenAPIMediaType(schema=_UPLOAD_BODY),
            },
        )
