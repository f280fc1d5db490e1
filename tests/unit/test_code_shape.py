"""The shape of the code in `src`: short functions, modules that do not reach into half the project,
one class per name (a duplicated name makes two things a reader must tell apart, and two schemas with
one title break OpenAPI client generation), and one way to use a unit of work."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PROJECT_PACKAGES = {"adapters", "application", "domain", "entrypoints"}
MAX_FUNCTION_LINES = 60
MAX_PROJECT_IMPORTS = 20


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        yield str(path.relative_to(SRC)), ast.parse(path.read_text(), filename=str(path))


def _project_imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        names.update(module for module in modules if module.split(".")[0] in PROJECT_PACKAGES)
    return names


def test_no_function_is_longer_than_60_lines() -> None:
    too_long = [
        f"{path}:{node.lineno} {node.name} ({(node.end_lineno or node.lineno) - node.lineno + 1} lines)"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not too_long, "split these functions:\n" + "\n".join(too_long)


def test_no_module_imports_more_than_20_project_modules() -> None:
    crowded = {
        path: len(names) for path, tree in _modules() if len(names := _project_imports(tree)) > MAX_PROJECT_IMPORTS
    }
    assert not crowded, f"these modules know too much of the project: {crowded}"


def test_every_class_name_is_defined_once() -> None:
    where: dict[str, list[str]] = defaultdict(list)
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                where[node.name].append(f"{path}:{node.lineno}")
    duplicates = {name: places for name, places in where.items() if len(places) > 1}
    assert not duplicates, f"class names defined more than once: {duplicates}"


def test_units_of_work_are_injected_as_instances_not_factories() -> None:
    # One style: `async with self._uow as uow:` once per transaction (see docs/architecture.md).
    factory_calls = [
        f"{path}:{node.lineno}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "_uow"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
    ]
    assert not factory_calls, f"a unit of work called as a factory: {factory_calls}"


def test_the_checks_see_what_they_check() -> None:
    # a guard against a broken walk passing vacuously
    modules = dict(_modules())
    assert len(modules) > 200
    assert len(_project_imports(modules["entrypoints/wiring/container.py"])) >= 5
