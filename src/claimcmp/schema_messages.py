"""The schema's errors in the curator's words, and their stable codes.

pydantic reports what is wrong with a store file as error details (a type such
as ``missing`` or ``string_pattern_mismatch``, the path to the value, the value,
a context). This module, beside ``schema.py`` whose fields and patterns it
describes, turns one detail into a message that says what is wrong and how to
fix it (``describe_error``), and into the stable code listed in
``docs/checks.md`` (``error_code``). It also words an unknown reference with a
did-you-mean (``unknown_reference``), for the reference rules in ``checks/``.

The schema (and pydantic) is imported only where a message needs its field
lists: a check whose files all come from the cache does without them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .models import STANCES
from .suggest import closest_names
from .yamlread import Loc

# The stable code of each kind of validation error (docs/checks.md).
_ERROR_CODES = {
    "missing": "missing-field",
    "invalid_key": "invalid-key",
    "extra_forbidden": "unknown-key",
    "string_type": "wrong-type",
    "list_type": "wrong-type",
    "dict_type": "wrong-type",
    "bool_type": "wrong-type",
}

_ITEM_KIND = {"sources": "source", "topics": "topic", "claims": "claim", "positions": "position"}
_SLUG_HINT = "use lowercase letters a-z, digits and '-', '_' or '.'"


def error_code(detail: Mapping[str, Any], loc: Loc) -> str:
    """The stable code of a validation error (``describe_error`` words it)."""
    kind = detail["type"]
    name = loc[-1] if loc else ""
    if name == "version":
        return "unsupported-version"
    if kind == "literal_error" and name == "stance":
        return "unknown-stance"
    if kind == "string_pattern_mismatch":
        pattern = str((detail.get("ctx") or {}).get("pattern", ""))
        if "https" in pattern:
            return "invalid-url"
        return "invalid-id" if "a-z0-9" in pattern else "empty-value"
    if kind == "too_short":  # only a claim's positions have a least length
        return "no-positions"
    if kind == "value_error" and name in ("date", "published"):
        return "invalid-date"
    return _ERROR_CODES.get(kind, "invalid")


def kind_of(value: Any) -> str:
    """What a YAML value is, in words (``a number (12)``, ``a list``)."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def top_level_message(data: Any) -> str:
    """Why a file whose top level is not a mapping is refused."""
    return (
        f"the top level is {kind_of(data)}; it must be a mapping with the keys "
        "version, sources, topics and claims"
    )


def unknown_reference(kind: str, name: str, known: list[str], section: str) -> str:
    """``unknown KIND 'NAME'`` with the closest of ``known`` as a did-you-mean,
    else what the name must be (an id of one of the store's ``section``)."""
    message = f"unknown {kind} {name!r}"
    suggestions = closest_names(name, known)
    if suggestions:
        message += "; did you mean " + " or ".join(repr(s) for s in suggestions) + "?"
    else:
        message += f"; it must be the id of one of the store's {section}"
    return message


def _item_kind(loc: Loc) -> str:
    kind = "top level"
    for part in loc:
        if isinstance(part, str) and part in _ITEM_KIND:
            kind = _ITEM_KIND[part]
    return kind


def _slugify(value: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", value.lower()).strip("-")
    return slug or "my-id"


def _field_name(loc: Loc) -> str:
    name = loc[-1] if loc else ""
    if isinstance(name, int):
        return f"item {name + 1} of '{loc[-2]}'" if len(loc) > 1 else f"item {name + 1}"
    return f"'{name}'"


def _unknown_key(kind: str, name: Any, value: Any, loc: Loc, item: str) -> str:
    """An ``invalid_key`` (a key that is not text) or ``extra_forbidden`` (a key
    the item does not have) error, with the item's allowed keys from the schema."""
    from .schema import FIELDS

    if kind == "invalid_key":
        allowed = FIELDS.get(_item_kind(loc), [])
        return (
            f"a key must be text, not {kind_of(value)}; put it in quotes if it is meant as text "
            f"(allowed keys: {', '.join(allowed)})"
        )
    allowed = FIELDS.get(item, [])
    message = f"unknown key {name!r} in {'the ' if item == 'top level' else 'a '}{item}"
    suggestions = closest_names(str(name), allowed)
    if suggestions:
        message += f"; did you mean {suggestions[0]!r}?"
    return message + f" (allowed: {', '.join(allowed)})"


def _pattern_mismatch(pattern: str, value: Any, name: Any, field_name: str) -> str:
    """A text that does not match its field's pattern: a web address, an id, or
    a text that must not be empty."""
    if "https" in pattern:
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            # It starts right; what the pattern refused is white space inside it.
            return f"{field_name} must not contain spaces or line breaks, got {value!r}; write a space as %20"
        return f"{field_name} must be a web address starting with http:// or https://, got {value!r}"
    if "a-z0-9" in pattern:
        what = "id" if name == "id" else f"{name} id"
        return f"{value!r} is not a valid {what}: {_SLUG_HINT} (e.g. {_slugify(str(value))!r})"
    return f"{field_name} must not be empty"


def describe_error(detail: Mapping[str, Any], loc: Loc) -> tuple[str, bool]:
    """A pydantic error in the curator's words; and whether it concerns a key."""
    kind = detail["type"]
    value = detail.get("input")
    ctx = detail.get("ctx") or {}
    item = _item_kind(loc[:-1]) if loc else "top level"
    name = loc[-1] if loc else ""
    field_name = _field_name(loc)
    if kind == "missing":
        return f"{item} has no {field_name}, which is required", False
    if kind in ("invalid_key", "extra_forbidden"):
        return _unknown_key(kind, name, value, loc, item), True
    if kind == "literal_error" and name == "stance":
        message = f"unknown stance {value!r}"
        suggestions = closest_names(str(value), list(STANCES))
        if suggestions:
            message += f"; did you mean {suggestions[0]!r}?"
        return message + f" (allowed: {', '.join(STANCES)})", False
    if kind == "string_type":
        if value is None:
            return f"{field_name} is empty; give it a value or remove the key", False
        hint = ""
        if isinstance(value, (int, float, bool)):
            hint = "; if it is meant as text, put it in quotes"
        return f"{field_name} must be text, not {kind_of(value)}{hint}", False
    if kind == "string_pattern_mismatch":
        return _pattern_mismatch(str(ctx.get("pattern", "")), value, name, field_name), False
    if kind == "too_short":  # only a claim's positions have a least length
        return "a claim needs at least one position (source, stance, quote)", False
    if kind == "list_type":
        if value is None:
            return f"{field_name} is empty; give it a list or remove the key", False
        return (
            f"{field_name} must be a list (e.g. [a, b] or lines starting with '- '), not {kind_of(value)}",
            False,
        )
    if kind == "dict_type":  # an item of a list of sources, topics, claims or positions
        return f"each {item} must be a mapping of keys to values, not {kind_of(value)}", False
    if kind == "value_error" and name == "version":
        return str(ctx.get("error") or detail.get("msg")), False
    if kind == "value_error":
        error = ctx.get("error")
        return f"{field_name}: {error}" if error else str(detail.get("msg")), False
    return f"{field_name}: {detail.get('msg')}", False
