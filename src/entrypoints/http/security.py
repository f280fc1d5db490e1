"""Security headers on every response (S-SEC-6), from Litestar's `before_send` hook."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
# The interactive docs page loads Swagger UI from its CDN, and nothing else.
DOCS_CSP = (
    "default-src 'none'; script-src 'self' https://cdn.jsdelivr.net 'unsafe-inline'; "
    "style-src 'self' https://cdn.jsdelivr.net 'unsafe-inline'; img-src 'self' data: https:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# The studio's own scripts, styles and media only: no inline code, no other origin.
STUDIO_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
HSTS = "max-age=63072000; includeSubDomains"


async def add_security_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    headers.setdefault("x-content-type-options", "nosniff")
    headers.setdefault("referrer-policy", "no-referrer")
    headers.setdefault("x-frame-options", "DENY")
    headers.setdefault("content-security-policy", _csp(scope["path"]))
    if scope.get("scheme") == "https":
        headers.setdefault("strict-transport-security", HSTS)


def _csp(path: str) -> str:
    if path.startswith("/schema"):
        return DOCS_CSP
    if path == "/" or path.startswith("/studio/"):
        return STUDIO_CSP
    return API_CSP
