"""The studio: a static single-page client of the public API, served at `/`.

Its files are served under `/studio/<version>/`, the version being a digest of their content, so browsers
may keep them for a year: a change of any file moves every URL (the modules import each other by
relative paths, which resolve inside the same versioned folder). Only the page at `/` is revalidated.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from litestar import Response, get
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

ASSETS = Path(__file__).parent / "assets"
PAGE_CACHE = CacheControlHeader(no_cache=True)
ASSET_CACHE = CacheControlHeader(public=True, max_age=365 * 24 * 3600, immutable=True)


@cache
def assets_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(ASSETS.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(ASSETS).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def page_html() -> bytes:
    html = (ASSETS / "index.html").read_text(encoding="utf-8")
    return html.replace('"/studio/', f'"/studio/{assets_version()}/').encode()


@get("/", include_in_schema=False, cache_control=PAGE_CACHE)
async def studio_page() -> Response[bytes]:
    return Response(page_html(), media_type="text/html")  # Litestar adds "; charset=utf-8"


def studio_routes() -> list[ControllerRouterHandler]:
    return [
        studio_page,
        create_static_files_router(
            path=f"/studio/{assets_version()}", directories=[ASSETS], cache_control=ASSET_CACHE, name="studio"
        ),
    ]
