from tests.fakes.provider_fixtures import (
    dailymotion_server,
    external,
    google_server,
    openai_server,
    opensubtitles_server,
)

__all__ = ["dailymotion_server", "external", "google_server", "openai_server", "opensubtitles_server"]
