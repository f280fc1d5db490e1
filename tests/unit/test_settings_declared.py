"""`.env.example` and the README's configuration table agree with the declared settings."""

from __future__ import annotations

import os
import re
from pathlib import Path

import msgspec

from entrypoints.env_vars import declared, parse
from entrypoints.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
DECLARED = {item.var.name: item for item in declared(Settings)}


def example_lines() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if re.match(r"^[A-Z][A-Z0-9_]*=", line))


def readme_table_variables() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| variable | default | meaning |") :].split("\n\n")[0]
    first_cells = [row.split("|")[1] for row in table.splitlines()[2:]]
    return {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}


def test_every_field_declares_its_variable() -> None:
    fields = {info.name for info in msgspec.structs.fields(Settings)}
    assert fields == {item.field for item in DECLARED.values()}


def test_env_example_lists_exactly_the_declared_variables() -> None:
    assert set(example_lines()) == set(DECLARED)


def test_env_example_values_are_the_declared_defaults() -> None:
    for name, raw in example_lines().items():
        item = DECLARED[name]
        if raw and item.var.default_doc is None:
            assert parse(item, raw) == item.default, f"{name}: {raw!r} != {item.default!r}"


def test_readme_table_documents_exactly_the_declared_variables() -> None:
    assert readme_table_variables() == set(DECLARED)


def test_computed_defaults_say_what_they_are() -> None:
    computed = [item.var.name for item in DECLARED.values() if item.default is msgspec.NODEFAULT]
    assert computed == ["SUBDUB_HTTP_WORKERS", "SUBDUB_WORKER_CONCURRENCY"]
    assert all(DECLARED[name].var.default_doc for name in computed)


def test_the_struct_and_the_loader_share_one_default(tmp_path: Path) -> None:
    loaded = load_settings({"SUBDUB_ENV": "test", "SUBDUB_DATA_DIR": str(tmp_path), "SUBDUB_JWT_SECRET": "k" * 40})
    assert loaded.worker_concurrency == Settings().worker_concurrency == (os.cpu_count() or 1)
