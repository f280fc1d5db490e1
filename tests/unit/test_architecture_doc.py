"""docs/architecture.md stays true: every module path it names exists, and the README links it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
PATH = re.compile(r"`((?:src/)?(?:domain|application|adapters|entrypoints)(?:/[\w<>.]+)*)/?`")


def named_paths() -> list[str]:
    return sorted({match for match in PATH.findall(DOC.read_text()) if "<" not in match})


def test_every_module_path_the_architecture_doc_names_exists() -> None:
    paths = named_paths()
    assert len(paths) > 20, paths
    src = ROOT / "src"
    missing = [p for p in paths if not (src / p.removeprefix("src/")).exists()]
    assert not missing, f"docs/architecture.md names paths that are gone: {missing}"


def test_the_readme_links_the_architecture_doc() -> None:
    assert "docs/architecture.md" in (ROOT / "README.md").read_text()
