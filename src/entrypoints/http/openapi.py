"""The OpenAPI document as a client generator needs it.

Litestar derives paths, parameters and response bodies from the handlers; this module adds what it
cannot see, in one pass over the generated document:
- request bodies described by msgspec itself (bounds, `additionalProperties: false`, real examples);
- the bearer security scheme, and per operation whether it needs a token;
- the headers the API reads and writes (Idempotency-Key, If-Match, ETag, Location, Retry-After,
  Idempotent-Replayed, Content-Range) and the media types of downloads and event streams.
"""

from __future__ import annotations

import copy
import re
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Litestar, Request
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.routes import HTTPRoute

from entrypoints.http.idempotency import OPT_KEY as IDEMPOTENCY_OPT

BEARER = "bearer"
_PATH_TYPE = re.compile(r"\{([^}:]+):[^}]+\}")
_REF = "#/components/schemas/{name}"

AUDIO_TYPES = ("audio/wav", "audio/flac", "audio/ogg", "audio/mpeg")
SUBTITLE_TYPES = ("application/x-subrip", "text/vtt", "text/x-ssa")
BINARY = {"type": "string", "format": "binary"}

PROBLEM_EXAMPLE = {
    "type": "urn:subdub:problem:invalid_value",
    "title": "Unprocessable Entity",
    "status": 422,
    "detail": "end_ms (1000) must be after start_ms (2000)",
    "code": "invalid_value",
    "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
    "errors": [{"field": "end_ms", "message": "end_ms (1000) must be after start_ms (2000)"}],
}


def _header(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "schema": schema or {"type": "string"}}


ETAG = _header('the version of the resource, e.g. `"v3"`; send it back in `If-Match`')
LOCATION = _header("the URL of the created resource")
RETRY_AFTER = _header("seconds to wait before trying again", {"type": "integer", "minimum": 1})
REPLAYED = _header("`true` when this is the stored answer of an earlier request with the same Idempotency-Key")
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "description": "1 to 255 visible ASCII characters; the same key and body replay the stored answer for 24 h",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
}


def _handlers(app: Litestar) -> dict[tuple[str, str], HTTPRouteHandler]:
    found: dict[tuple[str, str], HTTPRouteHandler] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        path = _PATH_TYPE.sub(r"{\1}", route.path)
        for handler in route.route_handlers:
            for method in handler.http_methods:
                found[(path, method.lower())] = handler
    return found


def _request_struct(handler: HTTPRouteHandler) -> type[msgspec.Struct] | None:
    field = handler.parsed_fn_signature.parameters.get("data")
    if field is None:
        return None
    annotation = field.annotation
    return annotation if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct) else None


def _request_schemas(doc: dict[str, Any], structs: set[type[msgspec.Struct]]) -> None:
    """Request bodies as msgspec validates them: bounds, required fields, no unknown properties."""
    if not structs:
        return
    _, components = msgspec.json.schema_components(sorted(structs, key=lambda s: s.__name__), ref_template=_REF)
    doc.setdefault("components", {}).setdefault("schemas", {}).update(components)


def _success(responses: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(code, r) for code, r in responses.items() if code.startswith("2")]


def _binary(media_types: tuple[str, ...]) -> dict[str, Any]:
    return {media_type: {"schema": BINARY} for media_type in media_types}


def _media_types(path: str, method: str, operation: dict[str, Any]) -> None:
    responses = operation.get("responses", {})
    if "204" in responses:
        responses["204"].pop("content", None)  # a 204 has no body (Litestar documents `null` as JSON)
    if path.endswith("/audio") and method == "get":
        ok = responses.setdefault("200", {"description": "the audio file"})
        ok["content"] = _binary(AUDIO_TYPES)
        headers = {"ETag": ETAG, "Accept-Ranges": _header("`bytes`"), "Content-Length": _header("bytes sent")}
        ok["headers"] = headers
        responses["206"] = {
            "description": "the requested byte range",
            "content": _binary(AUDIO_TYPES),
            "headers": {**headers, "Content-Range": _header("e.g. `bytes 0-1023/48000`")},
        }
    elif path.endswith("/events") and method == "get":
        stream = {"type": "string", "description": "`event: progress|done|failed|cancelled` and `data: <render>`"}
        responses.setdefault("200", {"description": "the event stream"})["content"] = {
            "text/event-stream": {"schema": stream}
        }
    elif path.endswith("/tracks/{track_id}/export") and method == "get":
        responses.setdefault("200", {"description": "the subtitle file"})["content"] = _binary(SUBTITLE_TYPES)
    elif path == "/api/v1/me/export" and method == "get":
        ok = responses.setdefault("200", {"description": "everything stored about the caller"})
        ok["content"] = {"application/json": {"schema": {"type": "object"}}}


def _response_headers(path: str, method: str, operation: dict[str, Any], handler: HTTPRouteHandler) -> None:
    responses = operation.get("responses", {})
    for code, response in _success(responses):
        headers = response.setdefault("headers", {})
        if code == "201":
            headers["Location"] = LOCATION
        single = method in ("get", "patch", "put") and path.endswith("_id}")
        if single or (code == "201" and _versioned(path)):
            headers.setdefault("ETag", ETAG)
        if (handler.opt or {}).get(IDEMPOTENCY_OPT):
            headers["Idempotent-Replayed"] = REPLAYED
    if path.endswith("/renders") and method == "post" and "202" in responses:
        responses["202"].setdefault("headers", {})["Location"] = LOCATION
    for code in ("429", "503"):
        if code in responses:
            responses[code].setdefault("headers", {})["Retry-After"] = RETRY_AFTER
    if (handler.opt or {}).get(IDEMPOTENCY_OPT):
        conflict = responses.setdefault("409", _problem_response(409))
        conflict.setdefault("headers", {})["Retry-After"] = RETRY_AFTER


def _versioned(path: str) -> bool:
    """Collections whose members carry a version (ETag) when created."""
    return path.endswith(("/projects", "/tracks", "/cues"))


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": HTTPStatus(status).phrase,
        "content": {"application/problem+json": {"schema": {"$ref": _REF.format(name="Problem")}}},
    }


def _security(operation: dict[str, Any], handler: HTTPRouteHandler) -> None:
    needs_token = "actor" in handler.parsed_fn_signature.parameters
    operation["security"] = [{BEARER: []}] if needs_token else []


def _idempotency_parameter(operation: dict[str, Any], handler: HTTPRouteHandler) -> None:
    mode = (handler.opt or {}).get(IDEMPOTENCY_OPT)
    if not mode:
        return
    parameters = [p for p in operation.setdefault("parameters", []) if p.get("name") != "Idempotency-Key"]
    parameters.append({**IDEMPOTENCY_KEY, "required": mode == "required"})
    operation["parameters"] = parameters


def _operation_ids(doc: dict[str, Any], handlers: dict[tuple[str, str], HTTPRouteHandler]) -> None:
    """Operation ids named after the handler (`create_cue`), where that name is unique in the document."""
    operations = [
        (operation, handlers[(path, method)].handler_name)
        for path, item in doc.get("paths", {}).items()
        for method, operation in item.items()
        if (path, method) in handlers and isinstance(operation, dict)
    ]
    names = [name for _, name in operations]
    for operation, name in operations:
        if names.count(name) == 1:
            operation["operationId"] = name


def refine(document: dict[str, Any], app: Litestar) -> dict[str, Any]:
    """A copy of Litestar's document with what a client generator needs added."""
    doc = copy.deepcopy(document)
    handlers = _handlers(app)
    structs: set[type[msgspec.Struct]] = set()
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            handler = handlers.get((path, method))
            if handler is None or not isinstance(operation, dict):
                continue
            struct = _request_struct(handler)
            if struct is not None:
                structs.add(struct)
            _security(operation, handler)
            _idempotency_parameter(operation, handler)
            _media_types(path, method, operation)
            _response_headers(path, method, operation, handler)
    _request_schemas(doc, structs)
    _operation_ids(doc, handlers)
    components = doc.setdefault("components", {})
    components.setdefault("securitySchemes", {})[BEARER] = {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "the `access_token` of POST /api/v1/auth/login or /refresh",
    }
    if "Problem" in components.get("schemas", {}):
        components["schemas"]["Problem"]["examples"] = [PROBLEM_EXAMPLE]
    return doc


class RefinedJsonRenderPlugin(JsonRenderPlugin):
    """Serves `/schema/openapi.json` as refined by `refine`, built once per app."""

    def __init__(self) -> None:
        super().__init__(path="/openapi.json")
        self._rendered: bytes | None = None

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        if self._rendered is None:
            self._rendered = self.render_json(request, refine(openapi_schema, request.app))
        return self._rendered
