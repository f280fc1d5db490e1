"""Browser sessions: the refresh token in an HttpOnly cookie, guarded by a signed double-submit CSRF token.

The refresh cookie is `HttpOnly; Secure; SameSite=Strict` and only sent to the auth routes, so page scripts
never see it. Its companion CSRF cookie is readable by the page (same origin only) and holds an HMAC of the
refresh token under the server's signing key: a request that rides on the refresh cookie must echo that value
in the `X-CSRF-Token` header, which another origin can neither read nor forge.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.exceptions import ValidationException

from application.errors import Forbidden

REFRESH_COOKIE = "subdub_refresh"
CSRF_COOKIE = "subdub_csrf"
CSRF_HEADER = "X-CSRF-Token"
COOKIE_PATH = "/api/v1/auth"
MAX_AGE_SECONDS = 30 * 24 * 3600


def csrf_token(secret: str, refresh_token: str) -> str:
    digest = hmac.new(secret.encode(), b"csrf:" + refresh_token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def session_cookies(secret: str, refresh_token: str, max_age: int = MAX_AGE_SECONDS) -> list[Cookie]:
    return [
        Cookie(
            key=REFRESH_COOKIE,
            value=refresh_token,
            path=COOKIE_PATH,
            max_age=max_age,
            httponly=True,
            secure=True,
            samesite="strict",
        ),
        Cookie(
            key=CSRF_COOKIE,
            value=csrf_token(secret, refresh_token),
            path="/",
            max_age=max_age,
            httponly=False,
            secure=True,
            samesite="strict",
        ),
    ]


def cleared_cookies() -> list[Cookie]:
    return [
        Cookie(
            key=REFRESH_COOKIE, value="", path=COOKIE_PATH, max_age=0, httponly=True, secure=True, samesite="strict"
        ),
        Cookie(key=CSRF_COOKIE, value="", path="/", max_age=0, httponly=False, secure=True, samesite="strict"),
    ]


def refresh_token_from_cookie(request: Request[Any, Any, Any], secret: str) -> str:
    """The cookie's refresh token once the CSRF header proves the request comes from the studio's own page."""
    token = request.cookies.get(REFRESH_COOKIE)
    if not token:
        raise ValidationException(
            extra=[{"key": "refresh_token", "message": "required unless the session cookie is sent"}]
        )
    sent = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode(), csrf_token(secret, token).encode()):
        raise Forbidden(f"the {CSRF_HEADER} header does not match the session", code="csrf_token_invalid")
    return token
