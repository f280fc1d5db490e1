from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from application import errors as app_errors
from entrypoints.problems import STATUS_OF, status_of

SRC = Path(__file__).resolve().parents[2] / "src"


def all_subclasses(klass: type) -> set[type]:
    found = set()
    for sub in klass.__subclasses__():
        found |= {sub} | all_subclasses(sub)
    return found


# covers: S-CODE-3
def test_every_application_error_has_a_stable_snake_case_code_and_a_status() -> None:
    errors = all_subclasses(app_errors.ApplicationError)
    assert len(errors) >= 9
    for error in errors:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", error.code), error
        assert status_of(error.__new__(error)) in range(400, 600), error
    assert app_errors.NotFound in STATUS_OF and STATUS_OF[app_errors.NotFound] == 404


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (app_errors.NotFound("track"), 404),
        (app_errors.Conflict("dup"), 409),
        (app_errors.Forbidden("no"), 403),
        (app_errors.Unauthenticated("who"), 401),
        (app_errors.InvalidInput("bad"), 422),
        (app_errors.PreconditionFailed("etag"), 412),
        (app_errors.PayloadTooLarge("big"), 413),
        (app_errors.RateLimited("slow down", retry_after_s=3), 429),
        (app_errors.DependencyUnavailable("database"), 503),
        (app_errors.TransientFailure("again"), 503),
    ],
)
def test_status_of_each_kind(error: Exception, status: int) -> None:
    assert status_of(error) == status


# covers: S-CODE-3
def test_no_empty_or_silent_exception_handlers_in_product_code() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ExceptHandler):
                continue
            if node.type is None:
                offenders.append(f"{path}:{node.lineno} bare except")
            elif len(node.body) == 1 and isinstance(node.body[0], ast.Pass):
                offenders.append(f"{path}:{node.lineno} except …: pass")
    assert not offenders, offenders
