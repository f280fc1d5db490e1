"""Every handler declares its parameters explicitly (path, body, header, query, dependency), as Litestar 3
requires: building the app and its OpenAPI document raises no deprecation warning."""

from __future__ import annotations

import warnings
from pathlib import Path

from entrypoints.http.app import create_app
from entrypoints.wiring import build_container
from tests.support.app import test_settings as settings_for


def test_building_the_app_raises_no_deprecation_warning(tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = create_app(build_container(settings_for(tmp_path), "postgresql://nobody@127.0.0.1:1/none"))
        assert app.openapi_schema.paths
    deprecations = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    assert deprecations == []
