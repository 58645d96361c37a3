"""What a reader sees: the terminal views at 80 and 120 columns (golden files), ids
that never break, store text that is never markup nor a terminal escape, search that
finds what is there, listing formats, and options where users put them."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ALPHA, BETA, GAMMA, STORE, invoke

GOLDEN = Path(__file__).parent / "golden"
BUNDLED = Path(__file__).parent.parent / "data" / "claims.yaml"

LONG_CLAIM = "pk-prevented-hadrut-villages-capture-in-the-autumn-war"
LONG_SOURCE = "epsilon-institute-for-long-names-2024"

DELTA = """\
Delta Digest

Hadrut and the villages around it fell in October 2020 while no peacekeeper
was yet deployed anywhere in the region.
"""

EPSILON = """\
Epsilon Institute

The corridor stayed open for most of 2021. Nobody prevented the capture of
the Hadrut villages; there was nobody there to do it.
"""

FIVE = STORE.replace(
    "topics:",
    f"""  - id: delta
    title: Delta Digest
    publisher: Delta Media
    published: 2021-02
    file: ../seeds/delta.txt
  - id: {LONG_SOURCE}
    title: Epsilon Institute
    published: 2024
    file: ../seeds/epsilon.txt
topics:""",
).replace(
    "  - id: five-year-term",
    f"""  - id: {LONG_CLAIM}
    topic: incidents
    text: Peacekeepers prevented the capture of the Hadrut villages in the autumn war.
    date: 2020-10
    positions:
      - source: delta
        stance: refutes
        quote: "Hadrut and the villages around it fell in October 2020"
      - source: {LONG_SOURCE}
        stance: refutes
        quote: "Nobody prevented the capture of the Hadrut villages"
      - source: alpha
        stance: qualifies
        quote: "The peacekeepers arrived on 10 November 2020"
        inferred: true
      - source: gamma
        stance: supports
        quote: "Some say the corridor was open"
        inferred: true
  - id: five-year-term""",
)
FIVE_TEXTS = {
    "alpha.txt": ALPHA,
    "beta.txt": BETA,
    "gamma.txt": GAMMA,
    "delta.txt": DELTA,
    "epsilon.txt": EPSILON,
}


@pytest.fixture
def five(make_store: Callable[..., Path], runner: CliRunner) -> Path:
    path = make_store(FIVE, texts=FIVE_TEXTS)
    code, output = invoke(runner, "check")
    assert code == 0, output
    return path


def _golden(name: str, actual: str) -> str:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    return path.read_text(encoding="utf-8")


# -- golden views ------------------------------------------------------------------------


VIEWS = {
    "show-topic": ["show", "incidents"],
    "show-topic-stacked": ["show", "incidents", "--layout", "stacked"],
    "show-claim": ["show", LONG_CLAIM],
    "list": ["list"],
    "contradictions": ["contradictions"],
    "sources": ["sources"],
}


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_views_match_golden_files(
    runner: CliRunner, five: Path, monkeypatch: pytest.MonkeyPatch, view: str, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    code, output = invoke(runner, *VIEWS[view])
    assert code == 0, output
    assert output == _golden(f"view-{view}-{width}.txt", output)
    assert all(len(line) <= width for line in output.splitlines()), view


def test_topic_of_five_sources_is_a_grid_at_80_and_side_by_side_at_120(
    runner: CliRunner, five: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    _code, narrow = invoke(runner, "show", "incidents")
    # The grid: one row of marks a claim under the keys A-E, the legend, the quotes beneath.
    row = next(line for line in narrow.splitlines() if line.lstrip().startswith(LONG_CLAIM))
    assert row.split()[-5:] == ["◐*", "·", "✔*", "✘", "✘"]
    assert re.search(rf"^ +E {LONG_SOURCE}  2024$", narrow, re.M)
    assert "  E ✘ refutes  " + LONG_SOURCE + ", line 3:" in narrow
    assert "* inferred: follows from the quote only with the source's wider argument" in narrow
    monkeypatch.setenv("COLUMNS", "200")
    _code, wide = invoke(runner, "show", "incidents")
    header = next(line for line in wide.splitlines() if "┃ claim" in line)
    assert [cell.strip() for cell in header.split("┃")[1:-1]] == [
        "claim",
        "alpha",
        "beta",
        "gamma",
        "delta",
        LONG_SOURCE,
    ]


def test_stacked_layout_has_hanging_indents(runner: CliRunner, five: Path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    _code, output = invoke(runner, "show", "incidents", "--layout", "stacked")
    lines = output.splitlines()
    start = lines.index("parukh  2022-03  ⚡ contested")
    assert lines[start + 1 : start + 8] == [
        "  Peacekeepers prevented the capture of Parukh.",
        "  ✔ supports  beta, line 3:",
        "      “Peacekeepers prevented the capture of",
        "      Parukh village”",
        "  ✘ refutes  alpha, line 8:",
        "      “The peacekeepers did not prevent the",
        "      capture of Parukh village”",
    ]


@pytest.mark.parametrize("width", [30, 40, 60, 80, 120])
def test_ids_are_never_wrapped_or_cut(
    runner: CliRunner, five: Path, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    for command in (["list"], ["show", "incidents"], ["show", LONG_CLAIM], ["contradictions"]):
        code, output = invoke(runner, *command)
        assert code == 0
        assert LONG_CLAIM in output.replace("│", " ").split() or any(
            LONG_CLAIM in line for line in output.splitlines()
        ), (command, width)
        assert "…" not in output, (command, width)
    for command in (["list"], ["show", "incidents"], ["sources"]):
        _code, output = invoke(runner, *command)
        assert any(LONG_SOURCE in line for line in output.splitlines()), (command, width)


# -- store text is text ------------------------------------------------------------------

HOSTILE = {
    "alpha.txt": "Alpha\n\nA quote with an \x1b[2J escape in it.\n",
    "beta.txt": BETA,
}
HOSTILE_STORE = """\
sources:
  - id: alpha
    title: "[/]"
    publisher: "[link=file:///etc/passwd]click[/link]"
    file: ../seeds/alpha.txt
  - id: beta
    title: ":warning: [bold red]x[/bold red]"
    author: "\\e]0;window title\\a"
    file: ../seeds/beta.txt
topics:
  - id: t
    title: "[link=file:///etc/passwd]topic[/link] \\e]0;pwned\\a"
    description: "[/] \\r overwritten"
claims:
  - id: c
    topic: t
    text: "Claim \\e[2J cleared \\e]8;;file:///etc/passwd\\e\\\\click\\e]8;;\\e\\\\ [/] end"
    tags: ["[red]tag[/red]"]
    positions:
      - source: alpha
        stance: supports
        quote: "A quote with an \\e[2J escape in it."
      - source: beta
        stance: refutes
        quote: "they kept the road open"
        note: "\\x9b31m [i]note[/i]"
"""

COMMANDS = [
    ["check"],
    ["sources"],
    ["topics"],
    ["tags"],
    ["list"],
    ["show", "t"],
    ["show", "t", "--layout", "stacked"],
    ["show", "c"],
    ["contradictions"],
    ["export", "--markdown"],
]


@pytest.mark.parametrize("width", ["40", "80", "200"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_store_text_is_never_markup_nor_an_escape(
    runner: CliRunner, make_store, monkeypatch: pytest.MonkeyPatch, command: list[str], width: str
) -> None:
    monkeypatch.setenv("COLUMNS", width)
    make_store(HOSTILE_STORE, texts=HOSTILE)
    code, output = invoke(runner, *command)
    assert code == 0, output
    assert "Traceback" not in output
    for char in "\x1b\x07\x9b\r":
        assert char not in output, (char, command)
    if width != "200":
        return
    # Shown as written (the Markdown report backslash-escapes its brackets).
    flat = " ".join(output.replace("│", " ").replace("┃", " ").split())
    if command[0] == "export":
        flat = flat.replace("\\[", "[").replace("\\]", "]").replace("\\\\", "\\")
    if command[0] in ("sources", "export"):
        assert "[/]" in flat
        assert "[link=file:///etc/passwd]click[/link]" in flat
    if command[0] in ("topics", "show", "export") and command[-1] != "c":
        assert "\\x1b]0;pwned\\x07" in flat
    if command[0] in ("list", "contradictions", "show", "export"):
        assert "\\x1b[2J" in flat


def test_check_hint_shows_escapes_of_a_source_text(runner: CliRunner, make_store) -> None:
    texts = {**HOSTILE, "alpha.txt": "Alpha\n\nA quote with an \x1b]0;evil\x07 title in it.\n"}
    make_store(
        HOSTILE_STORE.replace("A quote with an \\e[2J escape", "A quote with an xx title"), texts=texts
    )
    code, output = invoke(runner, "check")
    assert code == 1
    assert "\x1b" not in output and "\x07" not in output


def test_unknown_name_is_shown_with_escapes(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "show", "\x1b[2Jgone")
    assert code == 1
    assert "\x1b" not in output and "\\x1b[2Jgone" in output


# -- search on the bundled store (expected ids found by reading data/claims.yaml) -----------


def _ids(output: str) -> list[str]:
    return [claim["id"] for claim in json.loads(output)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--search", "gas"], ["gas-supply-cut"]),
        (["--search", "Hakari"], ["pk-hakari-bridge-escort"]),
        (["--search", "hakari bridge"], ["pk-hakari-bridge-escort"]),
        (["--search", "Hakri"], ["pk-hakari-bridge-escort"]),  # a typo: the fuzzy fallback
        (["--search", "gas", "--in", "quotes"], ["az-pressured-armenians-to-leave", "gas-supply-cut"]),
        (["--search", "gas-supply-cut"], ["gas-supply-cut"]),
        (["--search", "gas", "--in", "tags"], ["gas-supply-cut"]),
        (["--search", "Hakari", "--in", "notes"], ["convoys-barred-june-2023"]),
        (["--search", "nothing like this at all"], []),
    ],
)
def test_search_on_the_bundled_store(runner: CliRunner, args: list[str], expected: list[str]) -> None:
    code, output = invoke(runner, "--store", str(BUNDLED), "list", *args, "--format", "json")
    assert code == 0, output
    assert sorted(_ids(output)) == sorted(expected)


def test_search_ranks_exact_before_partial(runner: CliRunner, store: Path) -> None:
    # "mandate": whole word in five-year-term's text; "Parukh": in parukh's; "peace": only
    # the start of words (peacekeepers) in parukh and corridor-open.
    _code, output = invoke(runner, "list", "--search", "corridor open", "-f", "json")
    assert _ids(output) == ["corridor-open"]
    _code, output = invoke(runner, "list", "--search", "peace", "-f", "json")
    assert _ids(output) == ["parukh", "corridor-open"]
    _code, output = invoke(runner, "list", "--search", "open Lachin", "-f", "json")
    assert _ids(output) == ["corridor-open"]
    _code, output = invoke(runner, "list", "--search", "capture", "--in", "quotes", "-f", "json")
    assert _ids(output) == ["parukh"]


def test_search_help_says_how_it_ranks(runner: CliRunner) -> None:
    _code, output = invoke(runner, "list", "--help")
    flat = " ".join(output.split())
    assert "an id or tag equal to it, then the words as a phrase" in flat
    assert "--in" in flat and "quotes" in flat


# -- formats -------------------------------------------------------------------------------


def test_sources_topics_tags_as_json_and_csv(runner: CliRunner, store: Path) -> None:
    _code, output = invoke(runner, "sources", "--format", "json")
    data = json.loads(output)
    assert [(s["id"], s["positions"], s["total"]) for s in data] == [
        ("alpha", {"supports": 1, "refutes": 1, "qualifies": 0}, 2),
        ("beta", {"supports": 2, "refutes": 0, "qualifies": 0}, 2),
        ("gamma", {"supports": 0, "refutes": 1, "qualifies": 1}, 2),
    ]
    _code, output = invoke(runner, "sources", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [(r["id"], r["publisher"], r["supports"], r["total"]) for r in rows] == [
        ("alpha", "Alpha Press", "1", "2"),
        ("beta", "Beta Weekly", "2", "2"),
        ("gamma", "", "0", "2"),
    ]
    _code, output = invoke(runner, "topics", "-f", "json")
    assert [(t["id"], t["claims"], t["contested"]) for t in json.loads(output)] == [
        ("incidents", 2, 1),
        ("mandate", 1, 1),
    ]
    _code, output = invoke(runner, "topics", "-f", "csv")
    assert output.splitlines()[0] == "id,title,description,note,claims,contested"
    assert output.splitlines()[2] == "mandate,The mandate,,,1,1"
    _code, output = invoke(runner, "tags", "-f", "json")
    assert json.loads(output) == [
        {"tag": "ceasefire", "claims": 1, "contested": 1},
        {"tag": "mandate", "claims": 1, "contested": 1},
        {"tag": "term", "claims": 1, "contested": 1},
    ]
    code, output = invoke(runner, "tags")
    assert code == 0 and "3 tags" in output
    _code, output = invoke(runner, "list", "-f", "csv", "--topic", "incidents")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [(r["id"], r["supports"], r["refutes"], r["qualifies"]) for r in rows] == [
        ("parukh", "beta", "alpha", ""),
        ("corridor-open", "beta", "", "gamma"),
    ]


def test_csv_cells_never_run_as_formulas(runner: CliRunner, make_store) -> None:
    make_store(STORE.replace("title: Another View", 'title: "=HYPERLINK(\\"http://x\\")"'))
    code, output = invoke(runner, "sources", "-f", "csv")
    assert code == 0
    row = next(r for r in csv.DictReader(io.StringIO(output)) if r["id"] == "beta")
    assert row["title"] == '\'=HYPERLINK("http://x")'


def test_singular_and_plural(runner: CliRunner, make_store) -> None:
    make_store(
        STORE.replace("  - id: mandate\n    title: The mandate\n", "").replace(
            "topic: mandate", "topic: incidents"
        )
    )
    _code, output = invoke(runner, "check")
    assert "3 sources, 1 topic, 3 claims, 6 positions, 2 contested; 0 errors, 0 warnings" in output
    _code, output = invoke(runner, "list", "--topic", "incidents", "--search", "Parukh")
    assert "1 claim;" in output
    _code, output = invoke(runner, "export", "--markdown")
    assert "3 sources, 1 topic, 3 claims, 6 positions, 2 contested claims." in output


# -- options where users put them ------------------------------------------------------------


def test_store_option_before_or_after_the_command(
    runner: CliRunner, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path.parent)  # away from the store, so only --store finds it
    before = invoke(runner, "--store", str(store), "list", "-f", "json")
    after = invoke(runner, "list", "-f", "json", "--store", str(store))
    equals = invoke(runner, "list", f"--store={store}", "-f", "json")
    short = invoke(runner, "topics", "-s", str(store), "--no-cache")
    assert before[0] == after[0] == equals[0] == short[0] == 0
    assert before[1] == after[1] == equals[1]
    assert "incidents" in short[1]


def test_export_formats_and_standard_output(runner: CliRunner, store: Path) -> None:
    markdown = invoke(runner, "export", "--markdown")
    assert invoke(runner, "export", "--format", "markdown") == markdown
    assert invoke(runner, "export", "--markdown", "-o", "-") == markdown
    as_json = invoke(runner, "export", "--json")
    assert invoke(runner, "export", "-f", "json", "-o", "-") == as_json
    assert invoke(runner, "export", "--json", "--format", "markdown")[0] == 2
    assert not Path("-").exists()


def test_unknown_tag_is_an_error_with_a_suggestion(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "list", "--tag", "ceasfire")
    assert code == 1
    assert "no tag named 'ceasfire' in the store; did you mean 'ceasefire'?" in output


@pytest.mark.parametrize("command", ["sources", "topics", "tags", "list", "show", "contradictions", "export"])
def test_help_ends_with_an_example(runner: CliRunner, command: str) -> None:
    code, output = invoke(runner, command, "--help")
    assert code == 0
    description = output.split("Options")[0].split("Arguments")[0].strip().splitlines()
    assert description[-1].strip().startswith(f"Example:  claimcmp {command}")


def test_paths_as_the_user_typed_them(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "--store", "/nonexistent/claims.yaml", "list")
    assert code == 1
    assert "error: /nonexistent/claims.yaml: no such file or directory (from --store)" in output


def test_url_with_a_space_is_reported_as_such(runner: CliRunner, make_store) -> None:
    make_store(STORE.replace("https://example.org/alpha", '"https://example.org/al pha"'))
    code, output = invoke(runner, "check")
    assert code == 1
    assert "'url' must not contain spaces or line breaks, got 'https://example.org/al pha'" in output
    assert "starting with http" not in output


# -- a store with errors -------------------------------------------------------------------


def test_reading_commands_show_what_is_valid_of_a_store_with_errors(runner: CliRunner, make_store) -> None:
    broken = STORE.replace("stance: qualifies", "stance: qualify")  # corridor-open is invalid
    make_store(broken)
    for command in (["list"], ["show", "incidents"], ["contradictions"], ["export", "--markdown"]):
        result = runner.invoke(
            __import__("claimcmp.cli", fromlist=["app"]).app, command, catch_exceptions=False
        )
        assert result.exit_code == 1, command
        assert "parukh" in result.stdout, command
        assert "corridor-open" not in result.stdout, command
        summary = result.stderr.strip().splitlines()
        assert len(summary) == 1, command
        assert summary[0].startswith("1 error in the store (first: data/claims.yaml:"), command
        assert "shown what is valid. Run 'claimcmp check' to see every problem." in summary[0]
    code, output = invoke(runner, "check")
    assert code == 1 and "unknown stance 'qualify'" in output


# -- list streams: plain text without colours, the same as rich draws it ----------------------


@pytest.mark.parametrize("width", [30, 40, 80, 120])
def test_plain_list_is_what_the_terminal_shows(five: Path, width: int) -> None:
    from rich.console import Console

    from claimcmp.loading import load_store
    from claimcmp.rendering import claim_block, claim_block_plain

    claims = [
        *load_store(five)[0].claims.values(),
        *load_store(BUNDLED)[0].claims.values(),
    ]
    for claim in claims:
        console = Console(width=width, file=io.StringIO(), color_system="truecolor", highlight=False)
        console.print(claim_block(claim, width), crop=False, overflow="ignore")
        painted = re.sub(r"\x1b\[[0-9;]*m", "", console.file.getvalue())  # type: ignore[attr-defined]
        assert claim_block_plain(claim, width) == painted, claim.id


def test_long_list_is_written_as_it_goes(runner: CliRunner, make_store) -> None:
    claims = "".join(
        f"  - id: c{i}\n    topic: incidents\n    text: Claim number {i}.\n    positions:\n"
        "      - {source: beta, stance: supports, quote: they kept the road open}\n"
        for i in range(450)
    )
    make_store(STORE.replace("claims:\n", "claims:\n" + claims))
    code, output = invoke(runner, "list")
    assert code == 0
    assert output.count("\n    ✔ beta\n") == 450
    assert output.index("c0  incidents\n    Claim number 0.\n") < output.index("c449  incidents")
    assert "453 claims;" in output
