"""JSON arrays are written by orjson, one compact item a line (the standard
encoder as a fallback gives the same bytes)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from typer.testing import CliRunner

from claimcmp.output import json_lines
from conftest import invoke


def test_one_compact_item_a_line(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "contradictions", "--format", "json")
    assert code == 0
    lines = output.split("\n")
    assert lines[0] == "[" and lines[-2] == "]" and lines[-1] == ""
    assert lines[1].startswith('{"id":"parukh","topic":"incidents","text":')
    # parukh (beta supports, alpha refutes) and five-year-term (alpha, gamma)
    assert [claim["id"] for claim in json.loads(output)] == ["parukh", "five-year-term"]


def test_non_ascii_is_written_as_utf8_and_controls_escaped() -> None:
    data = json_lines([{"quote": "mission’s \x1b[2J"}])
    assert data == '[\n{"quote":"mission’s \\u001b[2J"}\n]\n'.encode()


def test_a_lone_surrogate_falls_back_to_an_escape() -> None:
    data = json_lines([{"a": "x\ud800y"}])
    assert data == b'[\n{"a":"x\\ud800y"}\n]\n'
    assert json.loads(data) == [{"a": "x\ud800y"}]


def test_an_empty_array() -> None:
    assert json_lines([]) == b"[]\n"


def test_the_fallback_writes_the_same_bytes(monkeypatch) -> None:
    items = [{"id": "a", "tags": [], "n": 3, "x": None, "ok": True, "q": "“é”"}]
    with_orjson = json_lines(items)
    monkeypatch.setitem(sys.modules, "orjson", None)  # import orjson now fails
    assert (
        json_lines(items)
        == with_orjson
        == '[\n{"id":"a","tags":[],"n":3,"x":null,"ok":true,"q":"“é”"}\n]\n'.encode()
    )
