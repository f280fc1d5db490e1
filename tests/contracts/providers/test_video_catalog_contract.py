"""One contract, two implementations: the in-memory fake and the real Dailymotion adapter over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from application.errors import NotFound
from application.ports.catalog import VideoCatalog
from tests.fakes.catalogs import FakeVideoCatalog
from tests.fakes.provider_fixtures import build, dailymotion_env
from tests.fakes.provider_servers import FakeDailymotion


@pytest.fixture(params=["fake", "dailymotion-over-http"])
def catalog(
    request: pytest.FixtureRequest, dailymotion_server: FakeDailymotion, external: list, tmp_path: Path
) -> VideoCatalog:
    if request.param == "fake":
        return FakeVideoCatalog()
    providers = build(external, tmp_path, **dailymotion_env(dailymotion_server))
    assert providers.dailymotion is not None
    return providers.dailymotion


# covers: S-EXT-1
async def test_a_known_video_has_title_duration_in_ms_and_thumbnail(catalog: VideoCatalog) -> None:
    video = await catalog.video("x7lni3")
    assert video.provider == "dailymotion"
    assert video.id == "x7lni3"
    assert video.title
    assert video.duration_ms == 136_000  # recorded: "duration": 136 (seconds)
    assert video.thumbnail_url is not None
    assert video.thumbnail_url.startswith("https://")


@pytest.mark.parametrize("video_id", ["inValIdiD", "x0000", "../etc/passwd", "x" * 64, ""])
async def test_an_unknown_or_malformed_video_is_not_found(catalog: VideoCatalog, video_id: str) -> None:
    with pytest.raises(NotFound):
        await catalog.video(video_id)
