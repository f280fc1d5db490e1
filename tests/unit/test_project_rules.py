"""Rules about the project itself: packaging, layering, lockfile, CI gates."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_top_level_packages_resolve_into_src() -> None:
    # PyPI has unrelated distributions called `entrypoints` and `adapters`.
    import adapters
    import application
    import domain
    import entrypoints

    for module in (adapters, application, domain, entrypoints):
        assert Path(module.__file__ or "").resolve().is_relative_to(ROOT / "src"), module


# covers: S-CODE-1
def test_layering_contracts_hold() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# covers: S-CODE-6
def test_every_dependency_is_pinned_in_the_lockfile() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    locked = {p["name"] for p in lock["package"] if p.get("version")}
    wanted = project["project"]["dependencies"] + project["dependency-groups"]["dev"]
    for requirement in wanted:
        name = re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name in locked, f"{name} is not pinned in uv.lock"


# covers: S-SEC-8, S-CODE-5
def test_ci_runs_the_static_gates_and_the_suite() -> None:
    makefile = (ROOT / "Makefile").read_text()
    test_target = re.search(r"^test:(.*)$", makefile, re.M)
    assert test_target is not None
    for gate in ("lint", "typecheck", "layers", "security", "audit"):
        assert gate in test_target.group(1).split()
    for tool in ("ruff check", "mypy", "lint-imports", "bandit", "audit_dependencies.py", "pytest", "--cov"):
        assert tool in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()


# covers: S-DB-7
def test_our_migrations_define_no_triggers_or_procedures() -> None:
    for sql_file in (ROOT / "migrations").glob("*.sql"):
        text = sql_file.read_text().upper()
        for forbidden in ("CREATE TRIGGER", "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", "CREATE PROCEDURE"):
            assert forbidden not in text, f"{sql_file.name}: {forbidden} (business logic belongs in the code)"


# covers: S-SEC-8
def test_a_known_vulnerability_fails_the_audit() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from audit_dependencies import evaluate

    clean = {"dependencies": [{"name": "msgspec", "version": "0.22.0", "vulns": []}]}
    assert evaluate(clean)[0] == 0
    bad = {"dependencies": [{"name": "requests", "version": "2.19.0", "vulns": [{"id": "PYSEC-2018-28"}]}]}
    code, lines = evaluate(bad)
    assert code == 1
    assert "VULNERABLE requests==2.19.0: PYSEC-2018-28" in lines
