"""The two validators of a check's common path, a store file's top level and a
list of claims (``schema.STORE_FILE`` and ``schema.CLAIMS``), built without
importing pydantic where the cache keeps their core schemas.

pydantic builds each validator from a core schema (plain dicts and lists) that
pydantic-core, a compiled library of its own, turns into the validator that
runs. Importing pydantic and building the schema's adapters took 0.11-0.17 s
of every check that validates a file, on a machine where importing
pydantic-core alone took 0.04 s (0.02 s after typer and rich); it was the
largest step of the one-file re-check after start-up (docs/performance.md,
the ninth pass).

So the cache (``cache._cached``) hands this module a place to keep the core
schemas (``kept_in``): the first check that validates a file imports the
schema, builds the adapters as before and keeps their core schemas, as
marshal data; later checks build the same validators from them with
pydantic-core alone. The place is keyed by claimcmp's code and the installed
versions of pydantic and pydantic-core (``cache._code_stamp``), so a schema
kept is always the one this code and these libraries would build.

A core schema holds Python objects marshal cannot write. The parts that only
pydantic reads (its JSON Schema hooks in ``metadata``, ``serialization``,
the TypedDict classes in ``cls``) are left out; the functions that check a
value (``input_values``) are written as their names and found again by name.
``tests/test_validators.py`` holds the validators built either way to the
same results and the same errors.

Only validation runs here. An invalid file's problems are then worked out
item by item with the schema's adapters (``loading._Checker.validate_items``),
which import pydantic: its messages are the same either way.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable
from typing import Any

from .input_values import check_version, parse_partial_date

# The functions a core schema may name (``_plain``), found again by name.
_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "parse_partial_date": parse_partial_date,
    "check_version": check_version,
}
_FUNCTION = "claimcmp-function"
# What pydantic alone reads in a core schema; pydantic-core does without.
_LEFT_OUT = frozenset({"metadata", "serialization", "cls", "json_schema_input_schema"})

Load = Callable[[], "bytes | memoryview | None"]
Keep = Callable[[bytes], None]

_place: tuple[Load, Keep] | None = None
_built: tuple[Any, Any] | None = None


def kept_in(load: Load | None, keep: Keep | None = None) -> None:
    """Where the core schemas may be found (``load``: their data, or None) and
    kept (``keep``); ``kept_in(None)``: nowhere (the schema is imported)."""
    global _place
    _place = (load, keep) if load is not None and keep is not None else None


def store_file() -> Any:
    """``schema.STORE_FILE``'s validator (``validate_python``)."""
    return _validators()[0]


def claims() -> Any:
    """``schema.CLAIMS``'s validator (``validate_python``)."""
    return _validators()[1]


def _validators() -> tuple[Any, Any]:
    global _built
    if _built is None:
        _built = _from_kept() or _from_schema()
    return _built


def _from_kept() -> tuple[Any, Any] | None:
    """The validators from the core schemas kept, or None (none kept, or
    anything wrong with them: the schema is then imported)."""
    if _place is None:
        return None
    try:
        data = _place[0]()
        if data is None:
            return None
        from pydantic_core import SchemaValidator

        store_file, claims = marshal.loads(data)
        return SchemaValidator(_restored(store_file)), SchemaValidator(_restored(claims))
    except Exception:  # a schema kept by another version, cut short, ...: imported instead
        return None


def _from_schema() -> tuple[Any, Any]:
    from .schema import CLAIMS, STORE_FILE

    if _place is not None:
        try:
            data = marshal.dumps([_plain(STORE_FILE.core_schema), _plain(CLAIMS.core_schema)])
        except ValueError:  # an object this module does not know how to write: nothing kept
            pass
        else:
            _place[1](data)
    return STORE_FILE, CLAIMS


def _plain(value: Any) -> Any:
    """A core schema as marshal can write it (see the module's docstring);
    raises ValueError on a function it cannot name."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items() if key not in _LEFT_OUT}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_plain(item) for item in value)
    if callable(value):
        name = getattr(value, "__name__", None)
        if name not in _FUNCTIONS or _FUNCTIONS[name] is not value:
            raise ValueError(f"a function a kept schema cannot name: {value!r}")
        return {_FUNCTION: name}
    return value


def _restored(value: Any) -> Any:
    """A core schema from ``_plain``'s data; raises KeyError on an unknown function."""
    if isinstance(value, dict):
        if _FUNCTION in value:
            return _FUNCTIONS[value[_FUNCTION]]
        return {key: _restored(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_restored(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_restored(item) for item in value)
    return value
