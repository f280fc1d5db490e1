"""Reads a settings Struct from environment variables declared on its own fields.

Each field carries its variable as `Annotated[type, Var("NAME", "what it means", ...)]` next to its
default, so name, type, default, bounds and description are written once; this module turns the
declaration into parsing and error messages that name the variable.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import msgspec

BOOL_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,\-]+$")


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


@dataclass(frozen=True)
class Var:
    """One environment variable: its name, meaning and bounds (the field gives type and default)."""

    name: str
    doc: str
    minimum: int | None = None  # integers only; numbers (floats) must always be positive
    schemes: tuple[str, ...] = ()  # a URL must start with one of these
    cron: bool = False  # a five-field cron expression
    upper: bool = False  # case-insensitive choice, stored upper-case
    default_doc: str | None = None  # the default as a person reads it, when the field's is computed


@dataclass(frozen=True)
class Declared:
    field: str
    var: Var
    kind: Any  # the field's type without Annotated and None
    optional: bool
    default: Any  # msgspec.NODEFAULT when computed by a factory


def declared(cls: type[msgspec.Struct]) -> list[Declared]:
    """The declared variables of a settings Struct, in field order."""
    hints = typing.get_type_hints(cls, include_extras=True)
    found = []
    for info in msgspec.structs.fields(cls):
        hint = hints[info.name]
        if get_origin(hint) is not typing.Annotated:
            continue
        base, *extras = get_args(hint)
        var = next((e for e in extras if isinstance(e, Var)), None)
        if var is None:
            continue
        members = get_args(base) if get_origin(base) in (Union, types.UnionType) else (base,)
        kinds = [m for m in members if m is not type(None)]
        found.append(Declared(info.name, var, kinds[0], len(kinds) < len(members), info.default))
    return found


def parse(item: Declared, raw: str) -> Any:
    """One variable's text as its field's value, or SettingsError naming the variable."""
    var, kind = item.var, item.kind
    if kind is int:
        return _int(var, raw)
    if kind is float:
        return _float(var, raw)
    if kind is bool:
        if raw.lower() not in BOOL_WORDS:
            raise SettingsError(var.name, f"must be one of {', '.join(BOOL_WORDS)}, got {raw!r}")
        return BOOL_WORDS[raw.lower()]
    if get_origin(kind) is Literal:
        return _choice(var, raw.upper() if var.upper else raw, tuple(get_args(kind)))
    if kind is Path:
        return Path(raw)
    if get_origin(kind) is tuple:
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    if var.schemes and not raw.startswith(tuple(f"{s}://" for s in var.schemes)):
        raise SettingsError(var.name, f"must be a URL starting with {' or '.join(s + '://' for s in var.schemes)}")
    if var.cron:
        fields = raw.split()
        if len(fields) != 5 or not all(_CRON_FIELD.match(field) for field in fields):
            raise SettingsError(var.name, f"must be a five-field cron expression, got {raw!r}")
        return " ".join(fields)
    return raw


def read(cls: type[msgspec.Struct], environ: dict[str, str]) -> dict[str, Any]:
    """Every set (non-empty) declared variable, parsed, by field name; unset ones keep their default."""
    values = {}
    for item in declared(cls):
        raw = environ.get(item.var.name)
        if raw:
            values[item.field] = parse(item, raw)
    return values


def _int(var: Var, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(var.name, f"must be an integer, got {raw!r}") from None
    minimum = 0 if var.minimum is None else var.minimum
    if value < minimum:
        raise SettingsError(var.name, f"must be at least {minimum}, got {value}")
    return value


def _float(var: Var, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(var.name, f"must be a number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(var.name, f"must be positive, got {value}")
    return value


def _choice(var: Var, raw: str, allowed: tuple[str, ...]) -> str:
    if raw not in allowed:
        raise SettingsError(var.name, f"must be one of {', '.join(allowed)}, got {raw!r}")
    return raw
