"""Language tags between users (BCP-47, e.g. `de`, `pt-BR`) and containers (ISO 639-2, e.g. `deu`)."""

from __future__ import annotations

import langcodes


def to_bcp47(tag: str) -> str:
    """The shortest standard form (`eng` → `en`, `ger` → `de`); an unknown tag is returned as given."""
    try:
        return str(langcodes.standardize_tag(tag, macro=True))
    except (ValueError, LookupError):
        return tag


def to_iso639_2(tag: str) -> str:
    """The three-letter code containers store (`de`, `de-AT` → `deu`); `und` when unknown."""
    try:
        code = langcodes.Language.get(tag).to_alpha3()
    except (ValueError, LookupError):
        return "und"
    return str(code)
