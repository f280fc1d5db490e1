"""The studio: a static single-page client of the public API, served at `/` (assets under `/studio`)."""

from __future__ import annotations

from pathlib import Path

from litestar import Response, get
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

ASSETS = Path(__file__).parent / "assets"
# Revalidated on every load (ETag / Last-Modified), so a deploy is picked up at once.
NO_CACHE = CacheControlHeader(no_cache=True)


@get("/", include_in_schema=False, cache_control=NO_CACHE)
async def studio_page() -> Response[bytes]:
    return Response((ASSETS / "index.html").read_bytes(), media_type="text/html; charset=utf-8")


def studio_routes() -> list[ControllerRouterHandler]:
    return [studio_page, create_static_files_router(path="/studio", directories=[ASSETS], cache_control=NO_CACHE)]
