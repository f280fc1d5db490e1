"""One contract, two implementations: the in-memory fake and the real OpenSubtitles adapter over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from application.errors import InvalidInput, NotFound, ProviderQuotaExhausted
from application.ports.catalog import SubtitleCatalog, SubtitleQuery
from tests.fakes.catalogs import FakeSubtitleCatalog
from tests.fakes.provider_fixtures import build, opensubtitles_env
from tests.fakes.provider_servers import FakeOpenSubtitles


@pytest.fixture(params=["fake", "opensubtitles-over-http"])
def catalog_and_backend(
    request: pytest.FixtureRequest, opensubtitles_server: FakeOpenSubtitles, external: list, tmp_path: Path
) -> tuple[SubtitleCatalog, FakeOpenSubtitles | FakeSubtitleCatalog]:
    if request.param == "fake":
        fake = FakeSubtitleCatalog()
        return fake, fake
    providers = build(external, tmp_path, **opensubtitles_env(opensubtitles_server))
    assert providers.opensubtitles is not None
    return providers.opensubtitles, opensubtitles_server


# covers: S-EXT-1
async def test_search_returns_hits_with_downloadable_file_ids(catalog_and_backend: tuple) -> None:
    catalog, backend = catalog_and_backend
    result = await catalog.search(SubtitleQuery(query="The Big Bang Theory", languages=("de",)))
    assert result.total_count >= 1
    assert result.hits
    hit = result.hits[0]
    assert hit.provider == "opensubtitles"
    assert hit.file_id in backend.file_ids()
    assert hit.download_count >= 0
    assert hit.uploaded_at is not None


async def test_a_search_without_hits_is_an_empty_page_not_an_error(catalog_and_backend: tuple) -> None:
    catalog, _ = catalog_and_backend
    result = await catalog.search(SubtitleQuery(query="nothing matches this"))
    assert result.hits == ()
    assert result.total_count == 0


async def test_a_search_needs_a_query_or_an_imdb_id(catalog_and_backend: tuple) -> None:
    catalog, _ = catalog_and_backend
    with pytest.raises(InvalidInput):
        await catalog.search(SubtitleQuery(languages=("en",)))


async def test_download_returns_the_raw_file_and_updates_the_quota(catalog_and_backend: tuple) -> None:
    catalog, backend = catalog_and_backend
    file_id = backend.file_ids()[0]
    downloaded = await catalog.download(file_id)
    assert downloaded.file_id == file_id
    assert downloaded.file_name
    assert b"-->" in downloaded.content
    quota = catalog.quota()
    assert quota is not None
    assert quota.remaining == backend.downloads_remaining
    assert quota.reset_at is not None


async def test_an_unknown_file_is_not_found(catalog_and_backend: tuple) -> None:
    catalog, _ = catalog_and_backend
    with pytest.raises(NotFound):
        await catalog.download(999_999_999)


async def test_an_exhausted_quota_names_the_reset_time(catalog_and_backend: tuple) -> None:
    catalog, backend = catalog_and_backend
    backend.downloads_remaining = 0
    with pytest.raises(ProviderQuotaExhausted) as caught:
        await catalog.download(backend.file_ids()[0])
    assert caught.value.code == "provider_quota_exhausted"
    assert caught.value.reset_at is not None
    assert caught.value.reset_at in caught.value.detail
    assert catalog.quota().remaining == 0
