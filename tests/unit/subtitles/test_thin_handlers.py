"""Handlers of projects, tracks and cues stay thin: they validate, call one use case and map (S-CODE-2)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CONTROLLERS = Path(__file__).resolve().parents[3] / "src" / "entrypoints" / "http" / "controllers"
ROUTE_DECORATORS = {"get", "post", "patch", "delete"}
# The one route that takes JSON or a file: one use case per body kind.
TWO_BODY_KINDS = {"create_track": 2}


def handlers(path: Path) -> list[ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.AsyncFunctionDef):
            names = {d.func.id for d in node.decorator_list if isinstance(d, ast.Call) and isinstance(d.func, ast.Name)}
            if names & ROUTE_DECORATORS:
                found.append(node)
    return found


# covers: S-CODE-2
@pytest.mark.parametrize("module", ["projects.py", "tracks.py", "cues.py"])
def test_each_handler_calls_one_use_case_and_no_driver(module: str) -> None:
    path = CONTROLLERS / module
    source = path.read_text()
    assert "psycopg" not in source
    assert "SELECT " not in source
    routes = handlers(path)
    assert routes
    for handler in routes:
        calls = [
            n
            for n in ast.walk(handler)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "execute"
        ]
        assert 1 <= len(calls) <= TWO_BODY_KINDS.get(handler.name, 1), handler.name
        assert len(handler.body) <= 12, f"{handler.name} is not thin"
