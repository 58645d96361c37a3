"""Every command and option, driven through the CLI as a user would."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from claimcmp.cli import app
from conftest import invoke

COMMANDS = {
    "check",
    "tags",
    "init",
    "locate",
    "suggest",
    "sources",
    "topics",
    "list",
    "show",
    "contradictions",
    "export",
    "diff",
    "schema",
    "agreement",
    "coverage",
    "timeline",
}


def test_every_command_and_option_has_help_text() -> None:
    group = get_command(app)
    assert group.help
    commands = group.commands  # type: ignore[attr-defined]
    assert set(commands) == COMMANDS
    for name, command in commands.items():
        assert command.help, f"command {name} has no help"
        for param in command.params:
            if param.param_type_name == "option" and param.name != "help":
                assert param.help, f"option {param.name} of {name} has no help"


def test_every_option_names_what_it_takes() -> None:
    """An option that takes a value shows a name in capitals (TOPIC, FILE, N)
    or its choices (<table|json>), never the type's name (<str>, <int range>)."""
    import re

    runner = CliRunner()
    for name in sorted(COMMANDS):
        result = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, name
        for line in result.stdout.splitlines():
            option = re.match(r"\s+(-[^\s,]+(?:, -[^\s,]+)*)(?: (\S+))?", line)
            if option is None or option.group(2) is None:
                continue
            metavar = option.group(2)
            assert re.fullmatch(r"[A-Z]+|<[a-z]+(\|[a-z]+)+>", metavar), f"{name}: {line.strip()}"


def test_check_valid_store(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "check")
    assert code == 0
    assert "valid: 3 sources, 2 topics, 3 claims, 6 positions, 2 contested; 0 errors, 0 warnings" in output


@pytest.mark.parametrize("store_given", [True, False], ids=["a store", "no store"])
def test_check_leaves_no_work_for_a_later_wait(
    runner: CliRunner, store: Path, tmp_path: Path, store_given: bool
) -> None:
    # ``check`` hands its console to ``forked.meanwhile``; whether the check
    # waited on a child, finished without one, or failed, none is left over.
    from claimcmp import forked

    code, _ = invoke(runner, "--store", str(store if store_given else tmp_path / "none.yaml"), "check")
    assert code == (0 if store_given else 1)
    assert forked._MEANWHILE == []


def test_store_found_in_a_parent_folder(
    runner: CliRunner, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deeper = store.parent.parent / "seeds"
    monkeypatch.chdir(deeper)
    code, output = invoke(runner, "check")
    assert code == 0, output


def test_store_option_and_environment(
    runner: CliRunner, store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(elsewhere)
    code, output = invoke(runner, "check")
    assert code == 1 and "no store found" in output
    code, output = invoke(runner, "--store", str(store), "check")
    assert code == 0, output
    monkeypatch.setenv("CLAIMCMP_STORE", str(store))
    code, output = invoke(runner, "check")
    assert code == 0, output
    code, output = invoke(runner, "--store", "missing.yaml", "check")
    assert code == 1 and "missing.yaml: no such file or directory (from --store)" in output


def test_directory_store_merges_files(runner: CliRunner, make_store, tmp_path: Path) -> None:
    from conftest import STORE

    head, claims = STORE.split("claims:\n")
    make_store(head, name="a-sources.yaml")
    (tmp_path / "data" / "nested").mkdir()
    (tmp_path / "data" / "nested" / "b-claims.yml").write_text("claims:\n" + claims, encoding="utf-8")
    code, output = invoke(runner, "--store", "data", "check")
    assert code == 0, output
    assert "3 claims" in output


def test_sources_table(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "sources")
    assert code == 0
    lines = [line.split() for line in output.splitlines()]
    alpha = next(line for line in lines if line and line[0] == "alpha")
    assert alpha[-4:] == ["1", "1", "0", "2"]
    assert "Beta Weekly" in output and "2021-05-04" in output


def test_topics_table(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "topics")
    assert code == 0
    row = next(line.split() for line in output.splitlines() if line.strip().startswith("incidents"))
    assert row[-2:] == ["2", "1"]


def _ids(output: str) -> list[str]:
    return [claim["id"] for claim in json.loads(output)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ["parukh", "corridor-open", "five-year-term"]),
        (["--topic", "mandate"], ["five-year-term"]),
        (["--topic", "mandate", "--topic", "incidents"], ["parukh", "corridor-open", "five-year-term"]),
        (["--source", "gamma"], ["corridor-open", "five-year-term"]),
        (["--stance", "refutes"], ["parukh", "five-year-term"]),
        (["--source", "gamma", "--stance", "refutes"], ["five-year-term"]),
        (["--source", "beta", "--stance", "refutes"], []),
        (["--tag", "mandate"], ["five-year-term"]),
        (["--tag", "ceasefire", "--tag", "term"], ["parukh", "five-year-term"]),
        (["--contested"], ["parukh", "five-year-term"]),
        (["--contested", "--topic", "incidents"], ["parukh"]),
        (["--search", "lachin coridor"], ["corridor-open"]),
        (["--search", "zzzzqqq"], []),
    ],
)
def test_list_filters(runner: CliRunner, store: Path, args: list[str], expected: list[str]) -> None:
    code, output = invoke(runner, "list", *args, "--format", "json")
    assert code == 0, output
    assert _ids(output) == expected


def test_list_table_and_json_shape(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "list")
    assert code == 0
    assert "parukh" in output and "⚡ contested" in output and "3 claims" in output
    code, output = invoke(runner, "list", "-f", "json", "--topic", "incidents")
    claim = json.loads(output)[0]
    assert {"id", "topic", "text", "date", "tags", "positions"} <= claim.keys()
    assert claim["date"] == "2022-03" and claim["tags"] == ["ceasefire"]
    assert claim["positions"][1] == {
        "source": "alpha",
        "stance": "refutes",
        "quote": "The peacekeepers did not prevent the capture of Parukh village",
        "note": "hyphen at a line end in the text",
        "inferred": False,
        "line": 8,
    }


def test_list_unknown_filter_values(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "list", "--topic", "mandat")
    assert code == 1 and "no topic named 'mandat'" in output and "did you mean 'mandate'" in output
    code, output = invoke(runner, "list", "--source", "alhpa")
    assert code == 1 and "did you mean 'alpha'" in output
    code, output = invoke(runner, "list", "--stance", "supported")
    assert code == 2 and "supports" in output
    code, output = invoke(runner, "list", "--format", "xml")
    assert code == 2


def test_show_topic_side_by_side(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "show", "incidents")
    assert code == 0
    assert "Incidents" in output and "What the peacekeepers did or did not prevent." in output
    header = next(line for line in output.splitlines() if "alpha" in line)
    assert header.index("alpha") < header.index("beta") < header.index("gamma")
    assert "✘ refutes" in output and "✔ supports" in output and "◐ qualifies" in output
    assert "⚡ contested" in output
    assert "·" in output  # alpha is silent on corridor-open
    assert "2 claims, 3 sources, 1 contested" in output


def test_show_claim_has_every_quote_in_full(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "show", "five-year-term")
    assert code == 0
    flat = " ".join(output.replace("│", " ").split())
    assert "renews automatically ... unless one side objects" in flat
    assert "The mission's mandate was never written down." in flat
    assert "silent: beta" in output
    assert "line 5" in output and "line 3" in output


def test_show_json(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "show", "incidents", "--format", "json")
    assert code == 0 and _ids(output) == ["parukh", "corridor-open"]
    code, output = invoke(runner, "show", "parukh", "--format", "json")
    assert code == 0 and _ids(output) == ["parukh"]


def test_show_unknown_name_suggests(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "show", "parukk")
    assert code == 1
    assert "no topic or claim named 'parukk'" in output and "did you mean 'parukh'" in output
    assert "Traceback" not in output


def test_contradictions(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "contradictions")
    assert code == 0
    assert "2 contested claims" in output
    assert output.index("parukh") < output.index("five-year-term")
    assert "— beta (line 3 · Beta Weekly, 2023)" in output  # the quote starts on line 3 of BETA
    code, output = invoke(runner, "contradictions", "--format", "json")
    assert _ids(output) == ["parukh", "five-year-term"]
    code, output = invoke(runner, "contradictions", "--format", "json", "--topic", "mandate")
    assert _ids(output) == ["five-year-term"]
    code, output = invoke(runner, "contradictions", "--format", "json", "--source", "beta")
    assert _ids(output) == ["parukh"]
    code, output = invoke(runner, "contradictions", "--source", "nobody")
    assert code == 1


def test_contradictions_most_contested_first(runner: CliRunner, make_store) -> None:
    from conftest import STORE

    extra = STORE + (
        "  - id: much-disputed\n    topic: mandate\n    text: The mandate was written down.\n    positions:\n"
        "      - {source: alpha, stance: supports, quote: Their mandate is a five-year term}\n"
        "      - {source: beta, stance: supports, quote: 'The mission’s size was 1,960 troops.'}\n"
        "      - {source: gamma, stance: refutes, quote: The mission's mandate was never written down.}\n"
    )
    make_store(extra)
    code, output = invoke(runner, "contradictions", "-f", "json")
    assert code == 0, output
    assert _ids(output)[0] == "much-disputed"


def test_no_contradictions_message(runner: CliRunner, make_store) -> None:
    from conftest import STORE

    make_store(STORE.replace("stance: refutes", "stance: qualifies"))
    code, output = invoke(runner, "contradictions")
    assert code == 0 and "No contested claims" in output


def test_commands_refuse_an_invalid_store(runner: CliRunner, make_store) -> None:
    from conftest import STORE

    make_store(STORE.replace("stance: qualifies", "stance: qualify"))
    for command in (
        ["sources"],
        ["topics"],
        ["list"],
        ["show", "incidents"],
        ["contradictions"],
        ["export", "--json"],
    ):
        code, output = invoke(runner, *command)
        assert code == 1, command
        assert "unknown stance 'qualify'; did you mean 'qualifies'?" in output
        assert "claimcmp check" in output


def test_version_and_no_arguments(runner: CliRunner) -> None:
    code, output = invoke(runner, "--version")
    assert code == 0 and output.startswith("claimcmp ")
    result = runner.invoke(app, [])
    assert result.exit_code in (0, 2) and "Usage" in result.output
    code, output = invoke(runner, "frobnicate")
    assert code == 2


def test_no_cache_gives_the_same_answer(runner: CliRunner, store: Path) -> None:
    _, cached = invoke(runner, "contradictions", "-f", "json")
    _, again = invoke(runner, "contradictions", "-f", "json")
    _, fresh = invoke(runner, "--no-cache", "contradictions", "-f", "json")
    assert cached == again == fresh


def test_ci_runs_the_readme_test_command() -> None:
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    command = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest"
    assert command in readme
    assert command in (root / ".ci" / "run").read_text(encoding="utf-8")
    assert ".venv/bin/claimcmp show " in readme


def test_show_topic_stacks_claims_when_sources_do_not_fit(
    runner: CliRunner, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    code, output = invoke(runner, "show", "incidents")
    assert code == 0
    assert "┃" not in output  # no table
    flat = " ".join(output.split())
    assert "✘ refutes alpha, line 8: “The peacekeepers did not prevent the capture of Parukh village”" in flat
    assert "sources not listed under a claim are silent on it" in flat


def test_one_run_reports_the_quotes_of_an_invalid_claim_too(runner: CliRunner, make_store) -> None:
    from conftest import STORE

    broken = STORE.replace(
        '        stance: supports\n        quote: "Peacekeepers',
        '        stance: support\n        quote: "Peacekeepers',
        1,
    )
    broken = broken.replace(
        "did not prevent the capture of Parukh village", "did not prevent the capture of Paruk village"
    )
    make_store(broken)
    code, output = invoke(runner, "check")
    assert code == 1
    assert "unknown stance 'support'; did you mean 'supports'?" in output
    assert re.search(
        r"data/claims\.yaml:\d+:16: quote not found in source 'alpha'.*line 8 \(9\d% similar\)", output
    )
    assert "2 errors" in output


def test_the_check_summary_breaks_before_the_problem_counts_only_where_it_does_not_fit() -> None:
    from claimcmp.models import Summary
    from claimcmp.rendering import summary_line

    summary = Summary(sources=5, topics=14, claims=103, positions=208, contested=11, multi_source=0)
    one_line = "valid: 5 sources, 14 topics, 103 claims, 208 positions, 11 contested; 0 errors, 0 warnings"
    assert len(one_line) == 90
    assert summary_line(summary, 0, 0).plain == one_line  # piped: one line, whatever the width
    assert summary_line(summary, 0, 0, width=90).plain == one_line
    assert summary_line(summary, 0, 0, width=89).plain == (
        "valid: 5 sources, 14 topics, 103 claims, 208 positions, 11 contested;\n       0 errors, 0 warnings"
    )
    assert summary_line(summary, 1, 2, width=80).plain.splitlines()[1] == "         1 error, 2 warnings"
