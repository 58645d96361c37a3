"""`check --format github`: one GitHub workflow command per problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from claimcmp.github import escape_data, escape_property, workflow_command
from claimcmp.problems import Problem
from conftest import STORE, invoke


def test_escaping_follows_github_toolkit() -> None:
    assert escape_data("100% sure\r\nnext: a, b") == "100%25 sure%0D%0Anext: a, b"
    assert escape_property("dir,x/a:b%.yaml\n") == "dir%2Cx/a%3Ab%25.yaml%0A"


def test_a_problem_without_a_place_has_no_file_property() -> None:
    problem = Problem(None, None, None, "no store here", code="store-not-found")
    assert workflow_command(problem) == "::error title=claimcmp store-not-found::no store here"


def test_a_problem_with_a_line_but_no_column() -> None:
    problem = Problem(Path("seeds/a.txt"), 4, None, "not UTF-8", severity="warning")
    assert workflow_command(problem) == "::warning file=seeds/a.txt,line=4,title=claimcmp invalid::not UTF-8"


def test_errors_and_warnings_as_workflow_commands(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    text = (
        STORE.replace('quote: "they kept the road open"', 'quote: "they kept 100% of the road open"')
        .replace("    author: A. Author\n", "    auther: A. Author\n")
        .replace("    title: The mandate\n", "    title: The mandate\n  - id: spare\n    title: Spare\n")
    )
    make_store(text)
    code, output = invoke(runner, "check", "--format", "github")
    assert code == 1
    lines = output.splitlines()
    assert lines[0] == (
        "::error file=data/claims.yaml,line=5,col=5,title=claimcmp unknown-key::"
        "unknown key 'auther' in a source;"
        " did you mean 'author'? (allowed: id, title, author, publisher, published, url, file,"
        " perspective, note, based_on)"
    )
    # Problems in line order: the warning on line 26 comes before the error on line 48.
    assert (
        lines[1] == "::warning file=data/claims.yaml,line=26,col=9,title=claimcmp empty-topic::"
        "topic 'spare' has no claims"
    )
    assert lines[2].startswith(
        "::error file=data/claims.yaml,line=48,col=16,title=claimcmp quote-not-found::quote not found"
    )
    assert "(74%25 similar)" in lines[2]
    assert len(lines) == 4 and lines[3].startswith("invalid: ")


def test_a_valid_store_prints_only_the_verdict(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "check", "-f", "github")
    assert code == 0
    assert output.startswith("valid: 3 sources") and output.count("\n") == 1


def test_unknown_format_is_a_wrong_command_line(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "check", "--format", "gitlab")
    assert code == 2
    assert "'gitlab' is not one of" in output


def test_control_characters_in_a_message_are_shown_as_escapes() -> None:
    from pathlib import Path

    from claimcmp.problems import Problem

    problem = Problem(Path("data/claims.yaml"), 3, 5, "unknown topic 'x\x1b]0;owned\x07'\nnext")
    line = workflow_command(problem)
    assert "\x1b" not in line and "\x07" not in line
    assert line.endswith("::unknown topic 'x\\x1b]0;owned\\x07'%0Anext")
