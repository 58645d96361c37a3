"""Exports: the Markdown report against a golden file, the JSON shape, writing to files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from conftest import invoke

GOLDEN = Path(__file__).parent / "golden"


def _golden(name: str, actual: str) -> str:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    return path.read_text(encoding="utf-8")


def test_markdown_report_matches_golden_file(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "export", "--markdown", "--title", "Test report")
    assert code == 0
    assert output == _golden("report.md", output)


def test_json_export_is_the_whole_store(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "export", "--json")
    assert code == 0
    data = json.loads(output)
    assert output == _golden("store.json", output)
    assert set(data) >= {"sources", "topics", "claims"}
    assert [s["id"] for s in data["sources"]] == ["alpha", "beta", "gamma"]
    assert data["sources"][0]["published"] == "2022-12"
    assert [t["id"] for t in data["topics"]] == ["incidents", "mandate"]
    assert len(data["claims"]) == 3


def test_export_needs_exactly_one_format(runner: CliRunner, store: Path) -> None:
    assert invoke(runner, "export")[0] == 2
    assert invoke(runner, "export", "--markdown", "--json")[0] == 2


def test_export_to_a_file(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old report", encoding="utf-8")
    code, output = invoke(runner, "export", "--markdown", "-o", str(target))
    assert code == 0 and "wrote" in output
    assert target.read_text(encoding="utf-8").startswith("# claimcmp report")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_export_never_overwrites_the_store(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    before = store.read_bytes()
    code, output = invoke(runner, "export", "--json", "-o", str(store))
    assert code == 1 and "refusing to overwrite a file of the store" in output
    assert store.read_bytes() == before
    text = tmp_path / "seeds" / "alpha.txt"
    before_text = text.read_bytes()
    code, output = invoke(runner, "export", "--markdown", "-o", str(text))
    assert code == 1 and text.read_bytes() == before_text


def test_markdown_escapes_content(runner: CliRunner, make_store) -> None:
    from conftest import STORE

    nasty = "Pipes | and <script>alert(1)</script> and `code | x` and *stars*\\n# heading"
    make_store(STORE.replace("text: The peacekeepers kept the Lachin corridor open.", f'text: "{nasty}"'))
    code, output = invoke(runner, "export", "--markdown")
    assert code == 0, output
    assert "<script>" not in output
    rows = [line for line in output.splitlines() if line.startswith("| ")]
    table = next(line for line in rows if "Pipes" in line)
    header = next(line for line in rows if line.startswith("| claim |"))
    assert _cell_count(table) == _cell_count(header)


def _cell_count(row: str) -> int:
    return row.replace("\\|", "").count("|") - 1
