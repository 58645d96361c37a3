"""The validators built from the core schemas the cache keeps (``validators``)
accept what the schema's adapters accept, give the same values, and fail alike;
a check with a schema kept imports neither pydantic nor the schema."""

from __future__ import annotations

import datetime as dt
import marshal
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic_core import SchemaValidator, ValidationError

from claimcmp import cache, validators
from claimcmp.schema import CLAIMS, STORE_FILE
from conftest import STORE, invoke


def _kept(adapter: Any) -> SchemaValidator:
    """The validator a check builds from an adapter's core schema kept as marshal data."""
    kept = marshal.dumps(validators._plain(adapter.core_schema))
    return SchemaValidator(validators._restored(marshal.loads(kept)))


KEPT_CLAIMS = _kept(CLAIMS)
KEPT_STORE_FILE = _kept(STORE_FILE)

# Values of every kind YAML gives, near and far from what the schema wants.
scalars = st.one_of(
    st.sampled_from(["supports", "refutes", "qualifies", "Supports", "alpha", "a-b.c_1", "A B", "", " "]),
    st.sampled_from(["2021", "2021-02", "2021-02-29", "2020-02-29", "0000", "2021-13", "21", " 2021 "]),
    st.text(max_size=8),
    st.integers(min_value=-2, max_value=10_001),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, width=32),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2030, 1, 1)),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=4)
POSITION_KEYS = ["source", "stance", "quote", "note", "inferred", "extra"]
CLAIM_KEYS = ["id", "topic", "text", "date", "tags", "note", "extra"]


def _mapping(keys: list[str], inner: st.SearchStrategy[Any] = values) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(keys), inner, max_size=len(keys))


positions = st.builds(
    lambda fields: {"source": "alpha", "stance": "supports", "quote": "q", **fields}, _mapping(POSITION_KEYS)
)
claims = st.builds(
    lambda fields, listed: {"id": "c", "topic": "t", "text": "x", **fields, "positions": listed},
    _mapping(CLAIM_KEYS),
    st.one_of(st.lists(positions, max_size=3), values),
)


def _outcome(validator: Any, data: Any) -> tuple[str, Any]:
    try:
        return "valid", validator.validate_python(data)
    except ValidationError as error:
        # The messages of a function's ValueError hold the exception itself.
        return "invalid", [
            {**detail, "ctx": {k: str(v) for k, v in detail.get("ctx", {}).items()}}
            for detail in error.errors(include_url=False)
        ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(claims, max_size=3))
def test_the_kept_claims_validator_is_the_schemas(data: list[dict[str, Any]]) -> None:
    assert _outcome(KEPT_CLAIMS, data) == _outcome(CLAIMS, data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    _mapping(["version", "sources", "topics", "extra"]),
    st.lists(_mapping(["id", "title", "author", "published", "url", "file", "based_on", "x"]), max_size=2),
)
def test_the_kept_store_file_validator_is_the_schemas(top: dict[str, Any], sources: list[Any]) -> None:
    for data in (top, {**top, "sources": sources}):
        assert _outcome(KEPT_STORE_FILE, data) == _outcome(STORE_FILE, data)


def test_a_function_the_kept_schema_cannot_name_keeps_nothing() -> None:
    with pytest.raises(ValueError, match="cannot name"):
        validators._plain({"type": "function-plain", "function": {"type": "no-info", "function": len}})
    with pytest.raises(KeyError):
        validators._restored({"claimcmp-function": "os.system"})


def _check_twice(runner: Any, store: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """``check`` with no schema kept yet, then (validators built anew) with the one kept."""
    outputs = []
    for _ in range(2):
        monkeypatch.setattr(validators, "_built", None)
        store.write_text(store.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        outputs.append(invoke(runner, "--store", str(store), "check", "--format", "json"))
    return outputs


@pytest.mark.parametrize(
    "edit",
    [
        lambda text: text,
        lambda text: text.replace("stance: refutes", "stance: denies", 1),
        lambda text: text.replace("version: 1", "version: 2"),
        lambda text: text.replace("topic: mandate", "topic: Mandate!", 1),
    ],
    ids=["valid", "unknown stance", "version", "bad slug"],
)
def test_a_check_with_the_schema_kept_is_the_same(
    runner: Any, make_store: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, edit: Any
) -> None:
    store = make_store(edit(STORE))
    found: list[bool] = []
    kept = validators._from_kept

    def looked_for() -> Any:
        got = kept()
        found.append(got is not None)
        return got

    monkeypatch.setattr(validators, "_from_kept", looked_for)
    first, second = _check_twice(runner, store, monkeypatch)
    assert first == second
    assert len(list((tmp_path / "cache").glob("*.schema"))) == 1
    assert found == [False, True]  # looked for each time, found the second


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"\x00" * 40,
        marshal.dumps([{"type": "nothing"}, {}]),
        marshal.dumps([{"claimcmp-function": "system"}, {}]),
    ],
    ids=["empty", "not marshal", "not a schema", "an unknown function"],
)
def test_a_damaged_schema_kept_is_built_again(
    runner: Any, store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, damage: bytes
) -> None:
    first = _check_twice(runner, store, monkeypatch)[0]
    (kept,) = (tmp_path / "cache").glob("*.schema")
    cache._write_entry(kept.parent, kept, [damage], cache.KEEP_SCHEMAS, ".schema")  # its checksum right
    monkeypatch.setattr(validators, "_built", None)
    store.write_text(store.read_text(encoding="utf-8") + "# edited again\n", encoding="utf-8")
    assert invoke(runner, "--store", str(store), "check", "--format", "json") == first
    assert validators._built == (STORE_FILE, CLAIMS)  # the schema's own adapters


def test_a_check_with_the_schema_kept_imports_no_pydantic(store: Path, tmp_path: Path) -> None:
    # In a process of its own: this one has imported pydantic long ago.
    env = {**os.environ, "CLAIMCMP_CACHE_DIR": str(tmp_path / "cache")}
    script = (
        "import sys; from claimcmp import cli; sys.argv = ['claimcmp', 'check']\n"
        "cli._end_without_teardown = lambda code: None  # to print after the command\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print(sorted({'pydantic', 'claimcmp.schema'} & set(sys.modules)))\n"
    )
    seen = []
    for _ in range(2):
        store.write_text(store.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        ran = subprocess.run(
            [sys.executable, "-c", script], env=env, cwd=store.parent, capture_output=True, text=True
        )
        seen.append(ran.stdout.splitlines()[-1])
    assert seen == ["['claimcmp.schema', 'pydantic']", "[]"]
