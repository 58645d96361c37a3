"""`claimcmp schema`: the shipped JSON Schema, checked with a standard validator
against the bundled store and against the loader on typos and bad values."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from claimcmp.jsonschema_export import DESCRIPTIONS
from conftest import STORE, invoke

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "schema" / "claimcmp-store.schema.json"


class Yaml12Loader(yaml.SafeLoader):
    """YAML as a YAML 1.2 editor (yaml-language-server) reads it: 2022-12-01 is
    a string, not a date."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(text: str) -> Any:
    return yaml.load(text, Loader=Yaml12Loader)  # a SafeLoader


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SHIPPED.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_shipped_schema_is_the_output_of_claimcmp_schema(runner: CliRunner) -> None:
    code, output = invoke(runner, "schema")
    assert code == 0
    assert output == SHIPPED.read_text(encoding="utf-8"), (
        "run: claimcmp schema > schema/claimcmp-store.schema.json"
    )


def test_schema_is_draft_2020_12_and_closed_everywhere(validator: Draft202012Validator) -> None:
    schema = validator.schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"

    def objects(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if node.get("type") == "object":
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    found = list(objects(schema))
    # The file itself, a source, a topic, a claim, a position.
    assert len(found) == 5
    assert all(node["additionalProperties"] is False for node in found)


def test_bundled_store_files_validate(validator: Draft202012Validator) -> None:
    files = sorted((ROOT / "data").rglob("*.y*ml"))
    assert files
    for path in files:
        errors = [e.message for e in validator.iter_errors(read_yaml(path.read_text(encoding="utf-8")))]
        assert errors == [], path.name


def test_bundled_store_names_the_schema_in_its_modeline() -> None:
    first = (ROOT / "data" / "claims.yaml").read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match is not None
    assert (ROOT / "data" / match.group(1)).resolve() == SHIPPED.resolve()


def test_test_store_validates(validator: Draft202012Validator) -> None:
    assert list(validator.iter_errors(read_yaml(STORE))) == []


def _edit(old: str, new: str) -> Callable[[str], str]:
    def apply(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)

    return apply


# Each edit of the test store, and whether the store stays valid.
EDITS = [
    ("typo in a position key", _edit("        stance: refutes", "        stnace: refutes"), False),
    ("typo in an optional source key", _edit("    author: A. Author", "    auther: A. Author"), False),
    ("typo in an optional claim key", _edit("    tags: [ceasefire]", "    tag: [ceasefire]"), False),
    ("typo in an optional topic key", _edit("    description: What", "    descripton: What"), False),
    ("unknown top-level key", _edit("version: 1", "version: 1\nsauces: []"), False),
    ("unknown stance", _edit("stance: refutes", "stance: endorses"), False),
    ("stance in capitals", _edit("stance: refutes", "stance: Refutes"), False),
    ("version 2", _edit("version: 1", "version: 2"), False),
    ("month 13", _edit("published: 2022-12", "published: 2022-13"), False),
    ("a date with words", _edit("date: 2022-03", "date: March 2022"), False),
    ("a url without http", _edit("url: https://example.org/alpha", "url: ftp://example.org/alpha"), False),
    ("a slug with capitals", _edit("  - id: alpha\n", "  - id: Alpha\n"), False),
    (
        "no positions",
        _edit(
            "    tags: [mandate, term]\n    positions:\n      - source: alpha\n        stance: supports\n"
            "        quote: 'a five-year term that renews automatically ... unless one side objects'\n"
            "      - source: gamma\n        stance: refutes\n"
            '        quote: "The mission\'s mandate was never written down."\n',
            "    positions: []\n",
        ),
        False,
    ),
    (
        "inferred is true",
        _edit("        note: hyphen at a line end", "        inferred: true\n        note: hyphen"),
        True,
    ),
    (
        "inferred is a word",
        _edit("        note: hyphen at a line end", "        inferred: maybe\n        note: x"),
        False,
    ),
    ("a year as a number", _edit("published: 2022-12", "published: 2022"), True),
    ("a full date", _edit("date: 2022-03", "date: 2022-03-15"), True),
    (
        "based_on a list of ids",
        _edit("    file: ../seeds/beta.txt", "    file: ../seeds/beta.txt\n    based_on: [alpha]"),
        True,
    ),
    ("an empty optional key", _edit("    author: A. Author", "    author:"), True),
]


@pytest.mark.parametrize(("edit", "valid"), [(e[1], e[2]) for e in EDITS], ids=[e[0] for e in EDITS])
def test_schema_and_check_agree_on_each_edit(
    validator: Draft202012Validator,
    runner: CliRunner,
    make_store: Callable[..., Path],
    edit: Callable[[str], str],
    valid: bool,
) -> None:
    text = edit(STORE)
    schema_errors = list(validator.iter_errors(read_yaml(text)))
    assert (schema_errors == []) is valid, [e.message for e in schema_errors]
    make_store(text)
    code, output = invoke(runner, "check")
    assert code == (0 if valid else 1), output


def test_every_key_has_a_description_and_no_description_is_stale(validator: Draft202012Validator) -> None:
    schema = validator.schema
    defined = {"": schema, **schema["$defs"]}
    assert set(DESCRIPTIONS) == set(defined)
    for name, definition in defined.items():
        assert set(definition["properties"]) == set(DESCRIPTIONS[name]), name
        assert all(prop["description"] for prop in definition["properties"].values())
