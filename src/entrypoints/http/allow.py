"""`Allow` of the automatic OPTIONS answers, listing every method of the path.

Litestar builds a path's OPTIONS handler when the path's first handler is registered; handlers added
later for the same path (another controller, or another method of the same controller) are missing
from its `Allow`. The full list is known once the app is built.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Litestar
from litestar.datastructures import MutableScopeHeaders
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope


def allow_header_fixer(app: Litestar) -> Callable[[Message, Scope], Awaitable[None]]:
    allowed = {route.path: ", ".join(sorted(route.methods)) for route in app.routes if isinstance(route, HTTPRoute)}

    async def fix_allow(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
            return
        handler = scope.get("route_handler")
        paths = getattr(handler, "paths", None) or ()
        methods = next((allowed[p] for p in paths if p in allowed), None)
        if methods is not None:
            MutableScopeHeaders.from_message(message)["allow"] = methods

    return fix_allow
